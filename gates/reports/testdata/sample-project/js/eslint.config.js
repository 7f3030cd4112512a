'use strict';
module.exports = [
  {
    files: ['src/**/*.js', 'test/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', console: 'readonly', describe: 'readonly', test: 'readonly', expect: 'readonly' },
    },
    rules: {
      'no-unused-vars': 'error',
      'no-var': 'error',
      eqeqeq: 'error',
      'no-console': 'warn',
      'no-undef': 'error',
    },
  },
];
