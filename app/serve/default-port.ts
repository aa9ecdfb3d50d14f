/**
 * The port `harbormaster serve` tries first. Its own module so the CLI's help text can name it
 * without loading the server (ws, zod, the static file server) on every command.
 */
export const DEFAULT_SERVE_PORT = 7770;
