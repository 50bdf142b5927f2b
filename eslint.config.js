import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The library's layers, top to bottom: a folder imports only from the layers below it,
 * never from a layer above nor from a sibling of its own layer.
 */
const LAYERS = [
  ['http'],
  ['session'],
  ['sdk', 'stores'],
  ['discovery'],
  ['decorators'],
  ['interfaces', 'errors', 'utils'],
];
const FLOW = LAYERS.map((layer) => layer.join('/')).join(' → ');

/** Only `lib/sdk/` imports runtime values from the MCP SDK; types may be imported anywhere. */
const SDK_RUNTIME = {
  group: ['@modelcontextprotocol/*'],
  allowTypeImports: true,
  message: 'Only lib/sdk/ uses the SDK at run time: import it from lib/sdk/protocol.ts.',
};

/** The root files wire the module together; no folder imports them. */
const ROOT_FILES = {
  group: ['../mcp.module*', '../mcp.providers*', '../mcp-options.resolver*', '../index*'],
  message: 'The root files wire the module together; import what they import instead.',
};

const restrict = (files, patterns) => ({
  files,
  ignores: ['lib/**/*.spec.ts'],
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

function layerRule(folder) {
  const level = LAYERS.findIndex((layer) => layer.includes(folder));
  const forbidden = [...LAYERS.slice(0, level).flat(), ...LAYERS[level], 'express'].filter(
    (other) => other !== folder,
  );
  const layering = {
    group: forbidden.map((other) => `../${other}/*`),
    message: `lib/${folder} may not import that folder: imports flow ${FLOW}.`,
  };
  const patterns = [layering, ROOT_FILES];
  return restrict(
    [`lib/${folder}/**/*.ts`],
    folder === 'sdk' ? patterns : [...patterns, SDK_RUNTIME],
  );
}

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'coverage', '.data'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  restrict(['lib/*.ts'], [SDK_RUNTIME]),
  ...LAYERS.flat().map(layerRule),
  restrict(
    ['lib/express/**/*.ts'],
    [{ group: ['../*'], message: 'The Express adapter stands alone.' }],
  ),
);
