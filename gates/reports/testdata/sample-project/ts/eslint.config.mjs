import tseslint from 'typescript-eslint';

export default tseslint.config(
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-var': 'error',
      eqeqeq: 'error',
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
);
