/**
 * JSON Schema checks for structured output, with Ajv: a maintained, complete validator (drafts 07, 2019-09 and
 * 2020-12), where hand-written checks would accept what a schema forbids. Only answers to forced-shape requests
 * are checked, so this is never on the plain request path.
 */
import Ajv, { type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';

/** A compiled schema: the problem with a value in words, or undefined when the value is valid. */
export type SchemaCheck = (value: unknown) => string | undefined;

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

type Draft = '07' | '2019' | '2020';

/**
 * `strict: false`: clients' schemas carry keywords Ajv's strict mode refuses (OpenAI's `strict`, titles in odd
 * places, union types). Formats (`date-time`, `email`) are not checked: that needs ajv-formats, one more
 * dependency, and a format is a hint the upstream model is told about anyway.
 */
const OPTIONS = { strict: false, allErrors: true, validateFormats: false, logger: false } as const;
const validators: Partial<Record<Draft, Ajv>> = {};

function validatorFor(draft: Draft): Ajv {
  let ajv = validators[draft];
  if (!ajv) {
    ajv = draft === '2020' ? new Ajv2020(OPTIONS) : draft === '2019' ? new Ajv2019(OPTIONS) : new Ajv(OPTIONS);
    validators[draft] = ajv;
  }
  return ajv;
}

/** Which validator a schema asks for by its `$schema`; none, or a draft Ajv lacks (04, 06), is read as draft 07. */
function draftOf(schema: AnySchemaObject): { draft: Draft; schema: AnySchemaObject } {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return { draft: '2020', schema };
  if (declared.includes('2019-09')) return { draft: '2019', schema };
  if (declared === '' || declared.includes('draft-07')) return { draft: '07', schema };
  const { $schema: _unsupported, ...rest } = schema;
  return { draft: '07', schema: rest };
}

const CACHE_SIZE = 64;
/** Compiled checks by schema text: a client sends the same schema with every request, and compiling costs ms. */
const compiled = new Map<string, SchemaCheck>();

/** Compiles a client's schema once (cached by its JSON text); throws SchemaError for a schema that is not one. */
export function compileSchema(schema: unknown): SchemaCheck {
  if (schema === true || (typeof schema === 'object' && schema !== null && Object.keys(schema).length === 0)) {
    return () => undefined;
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new SchemaError('a JSON Schema must be an object');
  }
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) {
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  const { draft, schema: source } = draftOf(schema);
  const ajv = validatorFor(draft);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(source);
  } catch (error) {
    throw new SchemaError((error as Error).message);
  } finally {
    // Ajv keeps every schema it compiled, keyed by the object (and its $id): a new object per request would grow
    // without bound, and a second schema with the same $id would be refused. The compiled function stands alone.
    ajv.removeSchema(source);
  }
  const check: SchemaCheck = (value) => (validate(value) ? undefined : describeErrors(validate.errors));
  compiled.set(key, check);
  if (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  return check;
}

const ERRORS_SHOWN = 5;

/** `/age: must be integer; (root): must have required property 'name'`: where, then what, as a model can act on. */
function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'it does not match the schema';
  const parts = errors.slice(0, ERRORS_SHOWN).map((error) => {
    const where = error.instancePath || '(root)';
    const extra =
      error.keyword === 'additionalProperties'
        ? ` ('${String((error.params as { additionalProperty?: unknown }).additionalProperty)}')`
        : error.keyword === 'enum'
          ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
          : '';
    return `${where}: ${error.message ?? 'is invalid'}${extra}`;
  });
  if (errors.length > ERRORS_SHOWN) parts.push(`and ${errors.length - ERRORS_SHOWN} more`);
  return parts.join('; ');
}
