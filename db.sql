-- TsComet MySQL / MariaDB schema.
--
-- Same tables and column names as the CppComet (comet-server 4.x) schema, with compatible
-- types, so a database created for CppComet keeps working with TsComet and the other way round
-- (every statement names its columns, so the extra columns below are invisible to CppComet).
--
-- TsComet additions (see docs/DESIGN.md, storage):
--   * pipe_messages.seq and users_messages.seq: a monotonic ordering column. History and the
--     offline queue come back in exact insertion order, also within one second.
--   * users_time is InnoDB, not MEMORY: last-online times survive a MySQL restart and the
--     table takes part in transactions like the others.
--   * utf8mb4 for every free-text column (upstream: utf8, i.e. 3-byte; emoji could not be
--     stored), MEDIUMTEXT for message bodies and user data (upstream TEXT stops at 65535 bytes),
--     VARBINARY(2048) for revoked tokens (upstream 600 bytes; longer JWTs are common).
--   * keys shaped for the writes TsComet makes (delete a pipe's history, a user's queue).
--
-- Safe to run again: every table is created only when missing.
--
-- Upgrading a database created from the upstream db.sql (optional; TsComet runs on it as it is,
-- see the ordering note in docs/DESIGN.md). With the server stopped:
--
--   RENAME TABLE pipe_messages TO pipe_messages_old, users_messages TO users_messages_old;
--   -- now run this file: it creates the two tables with their seq column
--   INSERT INTO pipe_messages (id, time, dev_id, pipe_name, event, message, user_id)
--     SELECT id, time, dev_id, pipe_name, event, message, user_id FROM pipe_messages_old
--     ORDER BY time, SUBSTRING(id, 16, 3), SUBSTRING(id, 10, 4), SUBSTRING(id, 1, 8), id;
--   INSERT INTO users_messages (id, time, dev_id, user_id, event, message)
--     SELECT id, time, dev_id, user_id, event, message FROM users_messages_old
--     ORDER BY time, SUBSTRING(id, 16, 3), SUBSTRING(id, 10, 4), SUBSTRING(id, 1, 8), id;
--   DROP TABLE pipe_messages_old, users_messages_old;
--   ALTER TABLE users_time ENGINE=InnoDB;
--   ALTER TABLE users_data MODIFY data MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
--   ALTER TABLE revoked_tokens MODIFY token VARBINARY(2048) NOT NULL;
--
-- (The ORDER BY puts the old rows in creation order: second, then the timestamp inside the
-- version-1 UUID id, high field first; the order TsComet reads them in without seq.)

SET NAMES utf8mb4;

-- Per-user authorisation hash registered by the back end (CometQL users_auth).
CREATE TABLE IF NOT EXISTS `users_auth` (
  `dev_id` INT NOT NULL,
  `user_id` INT NOT NULL,
  `hash` CHAR(32) CHARACTER SET ascii COLLATE ascii_bin DEFAULT '',
  PRIMARY KEY (`dev_id`, `user_id`),
  KEY `user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Last-online time per user: 0 while online, else the unix time of the last disconnect.
CREATE TABLE IF NOT EXISTS `users_time` (
  `dev_id` INT NOT NULL,
  `user_id` INT NOT NULL,
  `time` INT DEFAULT 0,
  PRIMARY KEY (`dev_id`, `user_id`),
  KEY `user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Private messages waiting for an offline user (CometQL users_messages).
CREATE TABLE IF NOT EXISTS `users_messages` (
  `id` CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `time` INT NOT NULL,
  `dev_id` INT NOT NULL,
  `user_id` INT NOT NULL,
  `event` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin DEFAULT '',
  `message` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  `seq` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (`id`),
  UNIQUE KEY `seq` (`seq`),
  KEY `dev_user` (`dev_id`, `user_id`),
  KEY `time` (`time`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- History settings per pipe (CometQL pipes_settings); type is always '0'.
CREATE TABLE IF NOT EXISTS `pipes_settings` (
  `dev_id` INT NOT NULL,
  `name` CHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `type` CHAR(1) CHARACTER SET ascii COLLATE ascii_bin DEFAULT '',
  `length` INT DEFAULT 0,
  PRIMARY KEY (`dev_id`, `name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Pipe history (CometQL pipes_messages, WS pipe_log).
CREATE TABLE IF NOT EXISTS `pipe_messages` (
  `id` CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `time` INT NOT NULL,
  `dev_id` INT NOT NULL,
  `pipe_name` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `event` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  `message` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  `user_id` INT NOT NULL DEFAULT 0,
  `seq` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (`id`),
  UNIQUE KEY `seq` (`seq`),
  KEY `dev_pipe` (`dev_id`, `pipe_name`),
  KEY `time` (`time`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Free-form per-user data (CometQL users_data, WS user_data).
CREATE TABLE IF NOT EXISTS `users_data` (
  `dev_id` INT NOT NULL,
  `user_id` INT NOT NULL,
  `data` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (`dev_id`, `user_id`),
  KEY `user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- JWT deny-list (CometQL revoked_tokens); time is an unused placeholder.
CREATE TABLE IF NOT EXISTS `revoked_tokens` (
  `dev_id` INT NOT NULL,
  `token` VARBINARY(2048) NOT NULL,
  `time` INT DEFAULT 0,
  PRIMARY KEY (`dev_id`, `token`)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- CometQL query log, written only with [main] useQueryLoger = true; never read.
CREATE TABLE IF NOT EXISTS `log_query` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `dev_id` INT DEFAULT 0,
  `query` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row 'start-<node_name>' per server start; never read.
CREATE TABLE IF NOT EXISTS `log_event` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `text` VARCHAR(250) DEFAULT '',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Reserved (SaaS edition leftover; no community server reads it).
CREATE TABLE IF NOT EXISTS `dev_config` (
  `id` INT NOT NULL AUTO_INCREMENT,
  `key` CHAR(64) CHARACTER SET ascii COLLATE ascii_bin DEFAULT '',
  `url` CHAR(255) CHARACTER SET ascii DEFAULT '*',
  `active_time` INT DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `key` (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Reserved (video/SIP API, out of scope for TsComet).
CREATE TABLE IF NOT EXISTS `conference` (
  `dev_id` INT NOT NULL,
  `name` VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `user_id` INT NOT NULL,
  `caller_id` INT NOT NULL,
  `message` TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  `profile` VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin DEFAULT '',
  `stream` VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin DEFAULT '',
  `node` VARCHAR(64) DEFAULT '0',
  `time` INT DEFAULT 0,
  PRIMARY KEY (`dev_id`, `name`, `user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
