-- SPDX-License-Identifier: GPL-2.0-only
-- Store schema, version 1 (PRAGMA user_version = 1).
--
-- One row per node, keyed by (parent, name): "/local/domain" is
-- ('/local', 'domain'), "/local" is ('/', 'local'). The root and the
-- special nodes "@introduceDomain" and "@releaseDomain" have the parent
-- '' and their full path as name. So the children of a node are one range
-- of the primary key, and a subtree is the node plus the range of parents
-- starting with "<path>/"; there is no secondary index to keep up.
-- "perms" holds the permission entries in wire form ("b0" NUL "r3" NUL);
-- "owner" repeats the first entry's domid for per-domain accounting.
-- "gen" changes when the node is created or its value or permissions
-- change; it takes values of one daemon-wide counter, which restarts from
-- the largest stored value. (The generation of a node's set of children
-- is kept in the daemon's memory: it only has to hold within one run.)
CREATE TABLE nodes (
	parent TEXT NOT NULL,
	name TEXT NOT NULL,
	value BLOB NOT NULL,
	perms BLOB NOT NULL,
	owner INTEGER NOT NULL,
	gen INTEGER NOT NULL,
	PRIMARY KEY (parent, name)
) WITHOUT ROWID;
