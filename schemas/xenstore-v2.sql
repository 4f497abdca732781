-- SPDX-License-Identifier: GPL-2.0-only
-- Store schema, version 2: what a restarted daemon needs to reattach the
-- guest domains it served.
--
-- "domains": one row per introduced domain: the ring's frame and the
-- guest's event channel port as INTRODUCE gave them, and the device-model
-- target (SET_TARGET; -1 for none).
--
-- "ring_state": per introduced domain, the ring as of the last commit
-- that touched it: the input consumer offset published before that turn
-- (req_cons_old) and after it (req_cons_new), the output producer offset
-- before the turn's replies were written (rsp_prod), the replies and
-- events not yet on the ring (output), and input taken from the ring but
-- not yet run (input). After a crash between a commit and its publication
-- on the ring, the restarted daemon publishes what was committed: nothing
-- acknowledged is lost, nothing is run twice.
--
-- "watches": the watches guest domains set over their rings, restored
-- with their connection.
CREATE TABLE domains (
	domid INTEGER PRIMARY KEY,
	gfn INTEGER NOT NULL,
	port INTEGER NOT NULL,
	target INTEGER NOT NULL DEFAULT -1
);
CREATE TABLE ring_state (
	domid INTEGER PRIMARY KEY,
	req_cons_old INTEGER NOT NULL,
	req_cons_new INTEGER NOT NULL,
	rsp_prod INTEGER NOT NULL,
	output BLOB NOT NULL,
	input BLOB NOT NULL
);
CREATE TABLE watches (
	domid INTEGER NOT NULL,
	path TEXT NOT NULL,
	token TEXT NOT NULL,
	depth INTEGER NOT NULL,
	PRIMARY KEY (domid, path, token)
) WITHOUT ROWID;
