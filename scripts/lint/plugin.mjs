// authctl's own ESLint rules (one for now): `authctl/layers` reports an import that crosses a layer
// boundary (see layers.mjs for the rules and why). Type-only imports count too: a type import
// upward still ties the library to the CLI's shapes.
import { layerViolation, resolveImport } from './layers.mjs';

const layers = {
  meta: {
    type: 'problem',
    docs: {
      description: 'forbid imports from src/core into src/cli and from core/config into features',
    },
    schema: [],
    messages: { layer: '{{why}}' },
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const source = node.source;
      if (!source || typeof source.value !== 'string') return;
      const target = resolveImport(file, source.value);
      const why = target && layerViolation(file, target);
      if (why) context.report({ node: source, messageId: 'layer', data: { why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { meta: { name: 'authctl' }, rules: { layers } };
