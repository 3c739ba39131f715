import { describe, expect, it } from '@jest/globals';
import { canonicalRoles, isRole, roleProblems } from './roles.js';

describe('roles', () => {
  describe('isRole', () => {
    it('knows the contract roles and nothing inherited', () => {
      expect(['customer', 'admin', 'constructor', 'toString', 'root'].filter(isRole)).toEqual(['customer', 'admin']);
    });
  });

  describe('roleProblems', () => {
    it('accepts known roles', () => {
      expect(roleProblems(['admin', 'customer'])).toEqual([]);
    });

    it('refuses an empty list', () => {
      expect(roleProblems([])).toEqual(['roles must not be empty']);
    });

    it('names unknown roles', () => {
      expect(roleProblems(['admin', 'root', '__proto__'])).toEqual(['unknown roles: root, __proto__']);
    });
  });

  describe('canonicalRoles', () => {
    it('drops duplicates and puts customer before admin', () => {
      expect(canonicalRoles(['admin', 'customer', 'admin'])).toEqual(['customer', 'admin']);
    });
  });
});
