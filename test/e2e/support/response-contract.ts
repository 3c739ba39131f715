import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import type { Response, Test } from 'supertest';

// Both are CommonJS with `exports.default`: the one spelling that types and runs under nodenext ESM.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** What a {@link ResponseContract} does with what the document does not describe. */
export interface ResponseContractOptions {
  /**
   * The schema (`$ref` to a component) and media type of the answer to a request no operation
   * matches: 404 for an unknown path, 405 for a known path with another method.
   */
  readonly unrouted: { readonly schema: string; readonly mediaType: string };
  /** Paths the document does not describe on purpose (its own, the Swagger UI, metrics): not checked. */
  readonly unchecked: readonly RegExp[];
}

/** What a check needs of a response. */
export type CheckedResponse = Pick<Response, 'status' | 'headers' | 'body' | 'text'>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Route {
  readonly template: string;
  readonly pattern: RegExp;
  readonly operations: Partial<Record<(typeof METHODS)[number], OperationObject>>;
}

/**
 * Checks HTTP responses against an OpenAPI 3.0 document: the request's operation must declare the
 * response's status (exactly, as `4XX`, or as `default`), the body's media type, and the body must
 * validate (Ajv, with formats) against the declared schema, `$ref`s to components resolved. Objects
 * are read as closed: a field the document does not declare is a violation, since client
 * generators drop it. A request no operation matches must get the `unrouted` problem.
 */
export class ResponseContract {
  private readonly ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    document: OpenAPIObject,
    private readonly options: ResponseContractOptions,
  ) {
    addFormats(this.ajv);
    // OpenAPI's own annotation: no assertion.
    this.ajv.addKeyword('example');
    this.ajv.addSchema({ $id: 'openapi', $defs: closed(document.components?.schemas ?? {}) });
    // Literal segments first: `/health/live` before a `/health/{check}` would match it.
    this.routes = Object.entries(document.paths)
      .map(([template, operations]) => ({ template, pattern: patternOf(template), operations }))
      .toSorted((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  /**
   * Wraps a supertest agent (`request(app)`) so that every response it answers is checked when
   * awaited, after the request's own `.expect(…)`s; a violation rejects the awaited request.
   */
  watch<A extends object>(agent: A): A {
    return new Proxy(agent, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof key !== 'string' || typeof value !== 'function' || !isMethod(key.toLowerCase())) return value;
        return (url: string) => this.watchTest((value as (url: string) => Test).call(target, url));
      },
    });
  }

  /** @throws Error naming the request, the status and every way the response differs from the document. */
  check(method: string, url: string, response: CheckedResponse): void {
    const path = new URL(url, 'http://contract.invalid').pathname;
    if (this.options.unchecked.some((pattern) => pattern.test(path))) return;
    const verb = method.toLowerCase();
    const request = `${method.toUpperCase()} ${path} → ${response.status}`;
    const route = this.routes.find(({ pattern }) => pattern.test(path));
    const operation = route?.operations[verb as (typeof METHODS)[number]] ?? headAsGet(route, verb);
    if (!route || !operation) {
      const expected = route ? 405 : 404;
      if (response.status !== expected)
        fail(request, `no operation of the document matches: expected the ${expected} problem`);
      const { schema, mediaType } = this.options.unrouted;
      const unrouted = { description: 'No such route', content: { [mediaType]: { schema: { $ref: schema } } } };
      this.checkBody(request, `unrouted ${expected}`, unrouted, verb, response);
      return;
    }
    const declared = declaredResponse(operation, response.status);
    if (!declared)
      fail(
        request,
        `status not declared for ${verb.toUpperCase()} ${route.template} (declared: ${Object.keys(operation.responses).join(', ')})`,
      );
    this.checkBody(request, `${verb} ${route.template} ${response.status}`, declared, verb, response);
  }

  private watchTest(test: Test): Test {
    const then = test.then.bind(test);
    const checked = (onFulfilled?: (response: Response) => unknown, onRejected?: (reason: unknown) => unknown) =>
      then((response) => {
        this.check(test.method, test.url, response);
        return response;
      }).then(onFulfilled, onRejected);
    // oxlint-disable-next-line unicorn/no-thenable -- a Test is a thenable already (awaiting it sends it): this wraps its own then
    test.then = checked as Test['then'];
    return test;
  }

  private checkBody(
    request: string,
    key: string,
    declared: ResponseObject,
    verb: string,
    response: CheckedResponse,
  ): void {
    const hasBody = verb !== 'head' && response.status !== 204 && (response.text ?? '').length > 0;
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (hasBody) fail(request, `answers a body, but the document declares none: ${excerpt(response.text)}`);
      return;
    }
    if (verb === 'head') return;
    const mediaType = String(response.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    const media = content[mediaType];
    if (!media)
      fail(
        request,
        `media type "${mediaType}" not declared (declared: ${Object.keys(content).join(', ')}): ${excerpt(response.text)}`,
      );
    if (!hasBody) fail(request, `answers no body, but the document declares ${mediaType}`);
    if (!media.schema || !/[/+]json$/.test(mediaType)) return;
    const validate = this.validatorOf(`${key} ${mediaType}`, media.schema as SchemaObject);
    if (!validate(response.body))
      fail(
        request,
        `body does not match the declared schema:\n${describe(validate.errors ?? [])}\nbody: ${excerpt(response.text)}`,
      );
  }

  private validatorOf(key: string, schema: SchemaObject): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(closed(schema) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

const isMethod = (name: string): name is (typeof METHODS)[number] => (METHODS as readonly string[]).includes(name);

/** Express answers HEAD on every GET route, with the GET's headers and no body. */
const headAsGet = (route: Route | undefined, verb: string) => (verb === 'head' ? route?.operations.get : undefined);

function declaredResponse(operation: OperationObject, status: number): ResponseObject | undefined {
  const responses = operation.responses as Record<string, ResponseObject | undefined>;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

/** `/api/products/{sku}` → /^\/api\/products\/[^/]+\/?$/ (Express is not strict about a trailing slash). */
function patternOf(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)))
    .join('');
  return new RegExp(`^${source.replace(/\/$/, '')}/?$`);
}

/**
 * A copy of `schema` whose component `$ref`s point into the `openapi` schema and whose objects
 * with declared properties and no `additionalProperties` are closed (compositions left open:
 * `additionalProperties` does not see through `allOf`).
 */
function closed<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(closed) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (typeof copy.$ref === 'string') copy.$ref = copy.$ref.replace('#/components/schemas/', 'openapi#/$defs/');
  const composed = 'allOf' in copy || 'anyOf' in copy || 'oneOf' in copy;
  if ('properties' in copy && !('additionalProperties' in copy) && !composed) copy.additionalProperties = false;
  return copy as T;
}

const describe = (errors: ErrorObject[]) =>
  errors.map((error) => `  ${error.instancePath || '(body)'} ${error.message ?? ''}${paramsOf(error)}`).join('\n');

const paramsOf = ({ keyword, params }: ErrorObject) =>
  keyword === 'additionalProperties'
    ? `: ${String(params.additionalProperty)}`
    : keyword === 'enum'
      ? `: ${JSON.stringify(params.allowedValues)}`
      : '';

const excerpt = (text: string | undefined) => ((text ?? '').length > 500 ? `${text!.slice(0, 500)}…` : (text ?? ''));

function fail(request: string, problem: string): never {
  throw new Error(`OpenAPI contract: ${request}: ${problem}`);
}
