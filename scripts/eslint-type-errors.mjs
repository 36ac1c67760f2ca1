// An ESLint rule that reports TypeScript's own errors for the file being linted, from the program typescript-eslint
// already built for it (the file's project among tsconfig.json's references). The type-aware rules make ESLint
// build and largely check the same programs `npm run typecheck` builds; reporting the errors here lets
// `npm run check` skip that second pass, about a quarter of its time on 2 cores. Each file is reported on by
// its own project, so every file is checked once, with only its runtime's types.
//
// Without --cache only: a cached file is not linted again when a file it imports changes its types.
import ts from 'typescript';

/** Programs whose whole-program errors (options, global types) were reported already, on their first file. */
const reported = new WeakSet();

/** @type {import('eslint').Rule.RuleModule} */
const typeErrors = {
  meta: {
    type: 'problem',
    docs: { description: "TypeScript's errors for this file, in its own project" },
    schema: [],
  },
  create(context) {
    const program = context.sourceCode.parserServices?.program;
    const source = program?.getSourceFile(context.filename);
    if (!program || !source) return {};
    return {
      Program() {
        const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
        if (!reported.has(program)) {
          reported.add(program);
          diagnostics.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
        }
        for (const diagnostic of diagnostics) {
          if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
          const start = diagnostic.file === source ? (diagnostic.start ?? 0) : 0;
          const end = diagnostic.file === source ? start + (diagnostic.length ?? 0) : 0;
          const at = (position) => {
            const { line, character } = source.getLineAndCharacterOfPosition(position);
            return { line: line + 1, column: character };
          };
          const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
          context.report({ loc: { start: at(start), end: at(end) }, message: `TS${diagnostic.code}: ${message}` });
        }
      },
    };
  },
};

export default { rules: { 'type-errors': typeErrors } };
