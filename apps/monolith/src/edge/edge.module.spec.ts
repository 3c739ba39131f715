import { describe, expect, it } from '@jest/globals';
import { PIPES_METADATA } from '@nestjs/common/constants.js';
import { EdgeModule } from './edge.module.js';
import { EdgeValidationPipe } from './validation/edge-validation.pipe.js';

describe('EdgeModule', () => {
  describe('controllers', () => {
    // The validation pipe cannot be global (it would reach the modules' message handlers), so
    // this check stands in for it: a controller added without @EdgeController fails here.
    it.each(
      (Reflect.getMetadata('controllers', EdgeModule) as Array<new () => unknown>).map((controller) => [
        controller.name,
        controller,
      ]),
    )('%s validates its inputs with EdgeValidationPipe', (_name, controller) => {
      expect(Reflect.getMetadata(PIPES_METADATA, controller)).toContain(EdgeValidationPipe);
    });
  });
});
