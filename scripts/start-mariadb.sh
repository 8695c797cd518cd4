#!/usr/bin/env bash
# Start a local MariaDB (Debian package) if none answers, and create the test database and user.
set -euo pipefail
if ! mariadb-admin ping --silent 2>/dev/null; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  (mysqld_safe --bind-address=127.0.0.1 >/tmp/mariadb.log 2>&1 &)
  for _ in $(seq 1 60); do mariadb-admin ping --silent 2>/dev/null && break; sleep 1; done
fi
mariadb-admin ping --silent
mariadb -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS tscomet_test CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'tscomet'@'127.0.0.1' IDENTIFIED BY 'tscomet-test';
CREATE USER IF NOT EXISTS 'tscomet'@'localhost' IDENTIFIED BY 'tscomet-test';
GRANT ALL PRIVILEGES ON tscomet_test.* TO 'tscomet'@'127.0.0.1';
GRANT ALL PRIVILEGES ON tscomet_test.* TO 'tscomet'@'localhost';
GRANT ALL PRIVILEGES ON `tscomet\_t%`.* TO 'tscomet'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
if [ -f db.sql ]; then mariadb -uroot tscomet_test < db.sql; fi
echo "MariaDB ready"
