import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto.js';

/** Documents the error statuses a route can answer, each with the problem document schema. */
export function ApiProblems(...statuses: number[]): ClassDecorator & MethodDecorator {
  const schema = { $ref: getSchemaPath(ProblemDto) };
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: STATUS_CODES[status], content: { 'application/problem+json': { schema } } }),
    ),
  );
}
