-- SPDX-License-Identifier: GPL-2.0-only
-- Store schema, version 1 (PRAGMA user_version = 1).
--
-- One row per node, keyed by its absolute path. "parent" is the parent's
-- path (NULL for "/" and for the special nodes "@introduceDomain" and
-- "@releaseDomain"), so that the children of a node are one index range.
-- "perms" holds the permission entries in wire form ("b0" NUL "r3" NUL);
-- "owner" repeats the first entry's domid for per-domain accounting.
-- "gen" changes when the node is created or its value or permissions
-- change; "cgen" when its set of children changes. Both take values of
-- one daemon-wide counter, kept in meta under 'generation'.
CREATE TABLE meta (
	key TEXT PRIMARY KEY NOT NULL,
	value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE nodes (
	path TEXT PRIMARY KEY NOT NULL,
	parent TEXT,
	value BLOB NOT NULL,
	perms BLOB NOT NULL,
	owner INTEGER NOT NULL,
	gen INTEGER NOT NULL,
	cgen INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX nodes_by_parent ON nodes (parent, path);

INSERT INTO meta (key, value) VALUES ('generation', 0);
