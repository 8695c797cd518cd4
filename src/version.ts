/** What upstream calls itself; kept in serverInfo frames and @@version_comment for drop-in compatibility. */
export const UPSTREAM_VERSION = 'CppComet community 4.09 (AGPL license)';
export const VERSION_COMMENT = `${UPSTREAM_VERSION}(comet-server.com, support@comet-server.com)`;
/** Numeric prefix so PyMySQL and mysqli_get_server_version() can parse it (COMETQL.md §2.2). */
export const MYSQL_SERVER_VERSION = `5.7.99-${UPSTREAM_VERSION}`;
export const TSCOMET_VERSION = '0.1.0';
