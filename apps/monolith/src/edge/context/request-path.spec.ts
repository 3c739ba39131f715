import { describe, expect, it } from '@jest/globals';
import { requestPathOf } from './request-path.js';

describe('requestPathOf', () => {
  it.each([
    ['/api/products', '/api/products'],
    ['/API/Products?page=2', '/API/Products'],
    ['/api/auth/login#top', '/api/auth/login'],
    ['/x?next=/api/auth/login', '/x'],
    ['http://127.0.0.1:3000/API/auth/login?x=1', '/API/auth/login'],
    ['https://shop.example/api/orders', '/api/orders'],
    ['http://shop.example', '/'],
  ])('reads %p as %p', (target, path) => {
    expect(requestPathOf(target)).toBe(path);
  });

  it.each(['*', 'shop.example:443', 'api/products', ''])('finds no path in %p', (target) => {
    expect(requestPathOf(target)).toBe('');
  });
});
