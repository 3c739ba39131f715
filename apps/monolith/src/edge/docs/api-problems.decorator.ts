import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type ResponseObject } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto.js';

/** The OpenAPI response of an error `status`: an `application/problem+json` body of the problem document schema. */
export function problemResponse(status: number): ResponseObject {
  return {
    description: STATUS_CODES[status] ?? `HTTP ${status}`,
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  };
}

/** Documents the error statuses a route can answer, each with the problem document schema. */
export function ApiProblems(...statuses: number[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}
