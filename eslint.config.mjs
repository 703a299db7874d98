import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Errors are the bridge's own (src/talkdesk/contract/errors.ts); the exception filter maps
    // Nest's HTTP exceptions, which only Nest and its modules throw.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/talkdesk/error-mapping.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/common',
              importNames: [
                'HttpException',
                'BadRequestException',
                'UnauthorizedException',
                'ForbiddenException',
                'NotFoundException',
                'MethodNotAllowedException',
                'NotAcceptableException',
                'RequestTimeoutException',
                'ConflictException',
                'GoneException',
                'PreconditionFailedException',
                'PayloadTooLargeException',
                'UnsupportedMediaTypeException',
                'UnprocessableEntityException',
                'InternalServerErrorException',
                'NotImplementedException',
                'BadGatewayException',
                'ServiceUnavailableException',
                'GatewayTimeoutException',
              ],
              message: 'Throw a BridgeError (src/talkdesk/contract/errors.ts) with its code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON responses of any shape.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly' } },
  },
);
