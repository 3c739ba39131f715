/** The admin account the seed creates in e2e runs (`SEAM_ADMIN_EMAIL` / `SEAM_ADMIN_PASSWORD`). */
export const E2E_ADMIN = Object.freeze({ email: 'admin@e2e.test', password: 'e2e admin password' });

/** The identity module's signing key in e2e runs (`JWT_SECRET`), so that tests can craft expired and forged tokens. */
export const E2E_JWT_SECRET = 'e2e-secret-of-at-least-thirty-two-bytes!';
