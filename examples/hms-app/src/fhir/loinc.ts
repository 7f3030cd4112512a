const LOINC_PATTERN = /^(\d{1,7})-(\d)$/;

/**
 * Computes the LOINC check digit of the digits before the hyphen. LOINC uses the mod-10 (Luhn)
 * scheme: counting from the right, digits in odd positions are doubled and the check digit brings
 * the digit sum up to the next multiple of ten.
 */
export function loincCheckDigit(digits: string): number {
  if (!/^\d{1,7}$/.test(digits)) {
    throw new Error(`invalid LOINC code body "${digits}": expected 1 to 7 digits`);
  }
  let sum = 0;
  for (let position = 0; position < digits.length; position++) {
    const digit = Number(digits.charAt(digits.length - 1 - position));
    if (position % 2 === 0) {
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += digit;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/** Reports whether code has the LOINC form "NNNNN-C" and a correct check digit C. */
export function isValidLoinc(code: string): boolean {
  const match = LOINC_PATTERN.exec(code);
  if (match === null) {
    return false;
  }
  const [, body = '', check = ''] = match;
  return loincCheckDigit(body) === Number(check);
}
