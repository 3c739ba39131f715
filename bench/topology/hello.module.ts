import { Controller, Get, Module } from '@nestjs/common';

@Controller()
class HelloController {
  @Get('hello')
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

/** The ceiling's whole app: one GET endpoint answering a constant object, nothing else. */
@Module({ controllers: [HelloController] })
export class HelloModule {}
