// OpenAPI 3.0 schemas are not quite JSON Schema: `nullable` stands beside `type`, and
// `exclusiveMinimum`/`exclusiveMaximum` are booleans. Rewrite those in place so ajv reads
// what the spec's authors meant; everything else is left exactly as published.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rewrite = (node: Json): void => {
  if (node.nullable === true) {
    if (typeof node.type === 'string') node.type = [node.type, 'null'];
    else if (Array.isArray(node.type)) node.type = [...new Set([...node.type, 'null'])];
    else if (!node.$ref) {
      const { nullable: _n, ...rest } = node;
      for (const k of Object.keys(node)) delete node[k];
      node.anyOf = [rest, { type: 'null' }];
    }
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
    delete node.nullable;
  }
  for (const [bound, flag] of [['minimum', 'exclusiveMinimum'], ['maximum', 'exclusiveMaximum']] as const) {
    if (typeof node[flag] === 'boolean') {
      if (node[flag] && typeof node[bound] === 'number') {
        node[flag] = node[bound];
        delete node[bound];
      } else delete node[flag];
    }
  }
};

export const normalizeOpenApi30 = (doc: Json): void => {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      rewrite(node as Json);
      Object.values(node as Json).forEach(walk);
    }
  };
  walk(doc);
};
