import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@seam/transport';

/** One invalid field of a request (OpenAPI schema). */
export class FieldViolationDto {
  @ApiProperty({ example: 'lines[0].quantity', description: 'Path of the field in the body, query or path' })
  path!: string;

  @ApiProperty({ type: [String], example: ['quantity must not be less than 1'] })
  messages!: string[];
}

/** The RFC 9457 problem document of every error response (OpenAPI schema). */
export class ProblemDto {
  @ApiProperty({ example: 'tag:seam.local,2026:problems/validation', description: 'Identifies the kind of problem' })
  type!: string;

  @ApiProperty({ example: 'The request is invalid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'Invalid request body' })
  detail!: string;

  @ApiProperty({ example: '/api/orders', description: 'The path of the request that failed' })
  instance!: string;

  @ApiProperty({
    enum: Object.values(ErrorCode),
    example: ErrorCode.Validation,
    description: 'Stable code to branch on',
  })
  code!: string;

  @ApiProperty({
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description: 'Trace id of the request, also in x-correlation-id',
  })
  correlationId!: string;

  @ApiPropertyOptional({ type: [FieldViolationDto], description: 'For validation problems: each offending field' })
  errors?: FieldViolationDto[];
}
