'use strict';

/** Masks all but the last four digits of a medical record number. */
function maskMRN(mrn) {
  if (typeof mrn !== 'string' || mrn.length === 0) {
    return '';
  }
  if (mrn.length <= 4) {
    return '*'.repeat(mrn.length);
  }
  return '*'.repeat(mrn.length - 4) + mrn.slice(-4);
}

/** Masks a phone number, keeping the area code. */
function maskPhone(phone) {
  const digits = String(phone).replace(/\D/g, '');
  if (digits.length < 10) {
    return '***';
  }
  return digits.slice(0, 3) + '-***-****';
}

module.exports = { maskMRN, maskPhone };
