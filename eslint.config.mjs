// ESLint 9 flat config: Next.js's rules (React, React hooks, core web vitals, jsx-a11y's basics)
// and typescript-eslint's recommended ones, plus jsx-a11y's full recommended set for the forms.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";
import jsxA11y from "eslint-plugin-jsx-a11y";

export default defineConfig([
  ...nextVitals,
  ...nextTypeScript,
  // eslint-config-next already registers the jsx-a11y plugin; only its recommended rules are added.
  { files: ["**/*.tsx"], rules: jsxA11y.flatConfigs.recommended.rules },
  {
    rules: {
      // Each sign-in, reset and fresh-MFA step is a page with one field the user came to fill in;
      // focusing it is the expected behaviour (as Entra's own sign-in does), not a surprise.
      "jsx-a11y/no-autofocus": "off",
      // `_name` marks a value left out on purpose (a destructured field dropped from a row).
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  // The database client picks its generated client and driver at run time (only the configured
  // one is loaded); the e2e helper loads Next's compiled React client the same way.
  { files: ["lib/db/client.ts", "test/e2e/server-actions.ts"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  // Tests and benchmarks hold no React: a helper named use… is not a hook.
  { files: ["test/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  globalIgnores([".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "prisma/generated/**", "next-env.d.ts"]),
]);
