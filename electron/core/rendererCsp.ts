// The Content-Security-Policy the renderer is served with, by the desktop
// shell (a response header on the bundled page) and by the headless UI server
// (a response header on every static file). One string for both, kept here
// because both may import core and core imports neither.
// renderer/index.html carries the same policy in a <meta> tag, without
// frame-ancestors (which a <meta> policy cannot set).
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
