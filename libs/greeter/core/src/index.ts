export { GreeterModule } from './greeter.module.js';
