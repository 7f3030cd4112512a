'use strict';

/**
 * Returns the triage level (1 = most urgent) for vital signs.
 */
function triageLevel(vitals) {
  if (!vitals) {
    throw new Error('vitals are required');
  }
  const { heartRate, systolic, spo2 } = vitals;
  if (spo2 < 90 || systolic < 90) {
    return 1;
  }
  if (heartRate > 120 || heartRate < 40) {
    return 2;
  }
  if (heartRate > 100) {
    return 3;
  }
  return 4;
}

function waitMinutes(level) {
  switch (level) {
    case 1:
      return 0;
    case 2:
      return 10;
    case 3:
      return 60;
    default:
      return 120;
  }
}

function unusedHelper(a, b) {
  var total = a + b;
  if (total == 3) {
    console.log('three');
  }
  return total;
}

module.exports = { triageLevel, waitMinutes, unusedHelper };
