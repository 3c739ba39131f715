import { applyDecorators, Controller, UsePipes } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiProblems } from './docs/api-problems.decorator.js';
import { EdgeValidationPipe } from './validation/edge-validation.pipe.js';

/**
 * Declares an HTTP controller of the edge: its routes under `path`, its inputs validated by
 * {@link EdgeValidationPipe}, grouped under `tag` in the API docs.
 *
 * The pipe is bound here rather than with `app.useGlobalPipes`: Seam servers inherit the app's
 * global pipes, so a global one would also run on every module's message handlers in the
 * monolith (measured: it sees their payloads as `body`), and not once the module is extracted —
 * the in-process transport must behave like the remote ones. `edge.module.spec` checks that every
 * controller of the edge is declared with this decorator.
 */
export function EdgeController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    UsePipes(EdgeValidationPipe),
    ApiTags(tag),
    ApiProblems(400, 429, 500, 503, 504),
  );
}
