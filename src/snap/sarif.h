/*
 * sarif.h - audit findings as a SARIF 2.1.0 log (OASIS Static Analysis
 * Results Interchange Format), for code-scanning tools.
 *
 * Owns: the SARIF layout of ltsnap's rules and findings: the driver and its
 *       rules (level, security-severity, tags), one result per finding with
 *       a physical location (the snapshot CSV file and line of the judged
 *       row), a logical location (account/region/template/version) and a
 *       partial fingerprint that stays the same across snapshots.
 * May call: base (buf, json, hash), snap/audit, snap/rules.
 *
 * The log is printed through base/json (cJSON, keys sorted, one line and a
 * newline), so the same findings give the same bytes. It holds no time, no
 * host and no absolute path beyond the snapshot directory given.
 */
#ifndef LT_SNAP_SARIF_H
#define LT_SNAP_SARIF_H

#include "base/buf.h"
#include "base/lt.h"
#include "base/rc.h"
#include "snap/audit.h"

/* The JSON schema the log names in "$schema" (OASIS SARIF 2.1.0, errata 01). */
#define SARIF_SCHEMA_URI                                                                           \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/*
 * Appends the log. r NULL: the rules only, with no result (--list-rules).
 * snapshot_dir is the directory as the user gave it: artifact URIs are
 * "<dir>/<file>" (percent-encoded; "file://" first when it is absolute), so
 * a log made from a repository's root points into the repository.
 */
LT_MUST_CHECK enum lt_rc sarif_log(const struct audit_report *r, const char *snapshot_dir,
                                   struct buf *out);

#endif
