#!/usr/bin/env node
/*
 * cypher-lint.mjs FILE... - checks cypher-shell scripts the way
 * `cypher-shell -f FILE` would run them, with Neo4j's own Cypher parser
 * (@neo4j-cypher/language-support, pinned in tests/package-lock.json).
 *
 * For each file:
 * 1. The text is split into statements as cypher-shell 5 splits it
 *    (ShellStatementParser): whitespace and comments before a statement are
 *    skipped; a statement starting with ':' is a shell command (one line;
 *    `:param {...}` may span lines up to the closing brace); any other
 *    statement runs to the next ';' outside '...', "...", `...` and
 *    comments, where a backslash outside comments escapes the next
 *    character - also inside backticks, where Cypher itself does not.
 * 2. Shell commands: only `:param {map}`, `:begin` and `:commit`. The keys
 *    of each :param map (read from the parse tree) become the parameters
 *    declared from there on; :begin/:commit must pair up without nesting;
 *    :rollback and any other command are errors; schema commands
 *    (CREATE/DROP INDEX/CONSTRAINT) and CALL {...} IN TRANSACTIONS are
 *    errors inside a :begin block.
 * 3. Every Cypher statement, exactly as cypher-shell would send it, and
 *    every :param map (as `RETURN {map}`) goes through lintCypherQuery with
 *    the parameters declared so far. Any diagnostic fails, error or
 *    warning, including the library's "Parameter $x is not defined." (it
 *    finds parameters in the parse tree, so a '$' inside a string literal
 *    is not a parameter). A statement the Cypher lexer would split further
 *    (a ';' cypher-shell saw as quoted or escaped) fails too.
 *
 * Prints FILE:LINE:COL: error: MESSAGE (or warning: MESSAGE) per problem,
 * in file order (LINE and COL 1-based, COL in UTF-16 units), and with
 * --summary a last line "cypher-lint: N passed, N failed" counting files.
 * Exits 0 only when every file is clean, 1 when one is not, 2 on a usage
 * error or an unreadable file.
 */
import { readFileSync } from 'node:fs';
import { getDebugTree, lintCypherQuery } from '@neo4j-cypher/language-support';

const SCHEMA_RULES = new Set(['createIndex', 'createConstraint', 'dropIndex', 'dropConstraint']);
const BATCH_RULES = new Set(['subqueryInTransactionsParameters']);
/* Rules that may not appear inside a :begin block. */
const TX_RULES = new Set([...SCHEMA_RULES, ...BATCH_RULES]);
const PARAM_PREFIX = 'RETURN ';
const SPLIT_MESSAGE =
    "error: Cypher splits this statement at a ';' cypher-shell does not " +
    '(backslash or backtick quoting)';
const BATCH_MESSAGE = "error: CALL { ... } IN TRANSACTIONS inside a ':begin' block";

/* ---- positions ---- */

function lineStarts(text) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
        if (text[i] === '\n') {
            starts.push(i + 1);
        }
    }
    return starts;
}

function position(starts, offset) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return { line: lo + 1, col: offset - starts[lo] + 1 };
}

/* ---- the cypher-shell splitter ---- */

/* What cypher-shell counts as white space between statements. */
function isShellSpace(c) {
    return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

/* java.lang.Character.isWhitespace, for the blanks after a command name. */
function isJavaWhitespace(c) {
    if (c === undefined) {
        return false;
    }
    const cp = c.codePointAt(0);
    if ((cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f)) {
        return true;
    }
    if (cp === 0xa0 || cp === 0x2007 || cp === 0x202f) {
        return false;
    }
    return /^[\p{Zs}\p{Zl}\p{Zp}]$/u.test(c);
}

function commentEnd(two) {
    if (two === '//') {
        return '\n';
    }
    return two === '/*' ? '*/' : null;
}

/*
 * Reads Cypher from pos until atEnd(c) accepts a character outside quotes,
 * comments and escapes. Returns { end, complete }: end is the offset after
 * the accepted character (or text.length).
 */
function readCypher(text, pos, atEnd) {
    let awaited = null;
    let skipNext = false;
    let current = '';
    for (let i = pos; i < text.length; i++) {
        const previous = current;
        current = text[i];
        const inComment = awaited === '\n' || awaited === '*/';
        if (skipNext) {
            skipNext = false;
        } else if (inComment) {
            if (awaited === (awaited.length === 1 ? current : previous + current)) {
                awaited = null;
            }
        } else if (current === '\\') {
            skipNext = true;
        } else if (awaited !== null) {
            if (current === awaited) {
                awaited = null;
            }
        } else if (atEnd(current)) {
            return { end: i + 1, complete: true };
        } else {
            awaited = commentEnd(previous + current);
            if (awaited === null && (current === '`' || current === '"' || current === "'")) {
                awaited = current;
            }
        }
    }
    return { end: text.length, complete: false, open: awaited };
}

function restOfLine(text, pos) {
    let i = pos;
    while (i < text.length && text[i] !== '\n' && text[i] !== '\r') {
        i++;
    }
    return i;
}

/* A shell command at pos (text[pos] === ':'). */
function readCommand(text, pos) {
    let i = pos;
    while (i < text.length && !isShellSpace(text[i]) && text[i] !== ';') {
        i++;
    }
    const name = text.slice(pos, i).toLowerCase();
    while (i < text.length && isJavaWhitespace(text[i]) && text[i] !== '\n' && text[i] !== '\r') {
        i++;
    }
    const cmd = { kind: 'command', name, start: pos, argStart: i, complete: true };
    if (i >= text.length || text[i] === '\n' || text[i] === '\r') {
        cmd.end = i;
        cmd.argEnd = i;
        cmd.next = i + 1;
        return cmd;
    }
    if ((name === ':param' || name === ':params') && text[i] === '{') {
        let depth = 0;
        const map = readCypher(text, i, (c) => {
            depth += c === '{' ? 1 : c === '}' ? -1 : 0;
            return depth <= 0;
        });
        cmd.complete = map.complete;
        cmd.mapEnd = map.end;
        i = map.end;
    }
    cmd.end = restOfLine(text, i);
    cmd.next = cmd.end;
    /* cypher-shell drops trailing white space and semicolons from the argument. */
    let argEnd = cmd.end;
    const droppable = (c) => c === ';' || isJavaWhitespace(c);
    while (argEnd > cmd.argStart && droppable(text[argEnd - 1])) {
        argEnd--;
    }
    cmd.argEnd = argEnd;
    return cmd;
}

function skipComment(text, pos) {
    const end = commentEnd(text.slice(pos, pos + 2));
    const at = text.indexOf(end, pos + 2);
    return at < 0 ? { next: text.length, closed: false } : { next: at + end.length, closed: true };
}

/* Splits text into { kind: 'command' | 'cypher' | 'problem', ... } items in order. */
function splitScript(text) {
    const items = [];
    let pos = 0;
    while (pos < text.length) {
        const c = text[pos];
        if (isShellSpace(c)) {
            pos++;
        } else if (c === '/' && commentEnd(text.slice(pos, pos + 2))) {
            const skipped = skipComment(text, pos);
            if (!skipped.closed && text[pos + 1] === '*') {
                items.push({ kind: 'problem', at: pos, message: 'unterminated comment' });
            }
            pos = skipped.next;
        } else if (c === ':') {
            const cmd = readCommand(text, pos);
            items.push(cmd);
            pos = cmd.next;
        } else {
            const r = readCypher(text, pos, (ch) => ch === ';');
            const end = r.complete ? r.end - 1 : r.end;
            items.push({ kind: 'cypher', start: pos, end, complete: r.complete, open: r.open });
            pos = r.end;
        }
    }
    return items;
}

/* ---- parse-tree helpers ---- */

function findNode(tree, pred) {
    const stack = [tree];
    while (stack.length) {
        const node = stack.pop();
        if (pred(node)) {
            return node;
        }
        const kids = node.children || [];
        for (let i = kids.length - 1; i >= 0; i--) {
            stack.push(kids[i]);
        }
    }
    return null;
}

function leafText(node) {
    const kids = node.children || [];
    return kids.length === 0 ? node.name : kids.map(leafText).join('');
}

/* Keys of the top-level map in `:param {...}`, read from the parse tree. */
function paramKeys(commandText) {
    const args = findNode(getDebugTree(commandText), (n) => n.name === 'paramsArgs');
    const map = args && (args.children || []).find((n) => n.name === 'map');
    if (!map) {
        return null;
    }
    return map.children
        .filter((n) => n.name === 'propertyKeyName')
        .map((n) => {
            const key = leafText(n);
            return key.startsWith('`') ? key.slice(1, -1).replaceAll('``', '`') : key;
        });
}

/* Names of the rules in `wanted` that the statement's parse tree uses. */
function rulesUsed(statementText, wanted) {
    const found = new Set();
    findNode(getDebugTree(statementText), (n) => {
        if (wanted.has(n.name)) {
            found.add(n.name);
        }
        return false;
    });
    return found;
}

/* ---- checking one file ---- */

class FileLint {
    constructor(file, text) {
        this.file = file;
        this.text = text;
        this.starts = lineStarts(text);
        this.params = {};
        this.openBegin = null;
        this.problems = [];
    }

    report(offset, message) {
        const p = position(this.starts, Math.max(0, Math.min(offset, this.text.length)));
        this.problems.push({ offset, text: `${this.file}:${p.line}:${p.col}: ${message}` });
    }

    /* Lints query; base is the file offset of query[prefixLen]. Returns the result. */
    lint(query, base, prefixLen, startOffset, endOffset) {
        const result = lintCypherQuery(
            query,
            { parameters: { ...this.params }, defaultLanguage: 'CYPHER 5' },
            { consoleCommandsEnabled: true },
        );
        for (const d of result.diagnostics) {
            const known = d.offsets && Number.isInteger(d.offsets.start);
            const rel = known ? d.offsets.start : prefixLen;
            const at = Math.min(Math.max(base + rel - prefixLen, startOffset), endOffset);
            const kind = d.severity === 1 ? 'error' : 'warning';
            this.report(at, `${kind}: ${d.message.replace(/\s*\n\s*/g, ' ')}`);
        }
        return result;
    }

    paramCommand(cmd) {
        if (cmd.mapEnd === undefined) {
            const msg = "error: ':param' must be followed by a map ({name: value, ...})";
            this.report(cmd.start, msg);
            return;
        }
        if (!cmd.complete) {
            this.report(cmd.start, "error: unterminated ':param' map");
            return;
        }
        if (cmd.argEnd !== cmd.mapEnd) {
            this.report(cmd.mapEnd, "error: unexpected text after the ':param' map");
            return;
        }
        const mapText = this.text.slice(cmd.argStart, cmd.mapEnd);
        const before = this.problems.length;
        const query = PARAM_PREFIX + mapText;
        this.lint(query, cmd.argStart, PARAM_PREFIX.length, cmd.argStart, cmd.mapEnd);
        if (this.problems.length !== before) {
            return;
        }
        const keys = paramKeys(':param ' + mapText);
        if (keys === null) {
            this.report(cmd.argStart, "error: cannot read the ':param' map");
            return;
        }
        for (const k of keys) {
            this.params[k] = true;
        }
    }

    command(cmd) {
        const hasArgs = cmd.argEnd > cmd.argStart;
        switch (cmd.name) {
            case ':param':
                this.paramCommand(cmd);
                break;
            case ':begin':
                if (hasArgs) {
                    this.report(cmd.argStart, "error: ':begin' takes no argument");
                } else if (this.openBegin !== null) {
                    const p = position(this.starts, this.openBegin);
                    const msg = `error: nested ':begin' (the open one is at line ${p.line})`;
                    this.report(cmd.start, msg);
                } else {
                    this.openBegin = cmd.start;
                }
                break;
            case ':commit':
                if (hasArgs) {
                    this.report(cmd.argStart, "error: ':commit' takes no argument");
                } else if (this.openBegin === null) {
                    this.report(cmd.start, "error: ':commit' without ':begin'");
                } else {
                    this.openBegin = null;
                }
                break;
            case ':rollback':
                this.report(cmd.start, "error: ':rollback' is not allowed in a script");
                break;
            default:
                this.report(cmd.start, `error: unknown shell command '${cmd.name}'`);
        }
    }

    cypher(st) {
        const body = this.text.slice(st.start, st.end);
        if (!st.complete) {
            const what =
                st.open === '*/' ? 'unterminated comment'
                : st.open && st.open !== '\n' ? `unterminated ${st.open}...${st.open}`
                : "missing ';'";
            this.report(st.start, `error: statement does not end (${what})`);
            return;
        }
        if (body.trim() === '') {
            this.report(st.start, 'error: empty statement');
            return;
        }
        const result = this.lint(body, st.start, 0, st.start, st.end);
        if (result.symbolTables.length !== 1) {
            this.report(st.start, SPLIT_MESSAGE);
        }
        if (this.openBegin !== null) {
            const used = rulesUsed(body, TX_RULES);
            if ([...SCHEMA_RULES].some((r) => used.has(r))) {
                this.report(st.start, "error: schema command inside a ':begin' block");
            }
            if ([...BATCH_RULES].some((r) => used.has(r))) {
                this.report(st.start, BATCH_MESSAGE);
            }
        }
    }

    run() {
        if (this.text.startsWith('\uFEFF')) {
            this.report(0, 'error: byte order mark at the start of the file');
        }
        for (const item of splitScript(this.text)) {
            if (item.kind === 'problem') {
                this.report(item.at, `error: ${item.message}`);
            } else if (item.kind === 'command') {
                this.command(item);
            } else {
                this.cypher(item);
            }
        }
        if (this.openBegin !== null) {
            this.report(this.openBegin, "error: ':begin' without ':commit'");
        }
        /* Stable: problems at one offset keep the order they were found in. */
        return this.problems.sort((a, b) => a.offset - b.offset);
    }
}

function readScript(file) {
    const bytes = readFileSync(file);
    try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
        return null;
    }
}

function main(args) {
    const summary = args[0] === '--summary';
    const files = summary ? args.slice(1) : args;
    if (files.length === 0) {
        process.stderr.write('usage: cypher-lint.mjs [--summary] FILE...\n');
        return 2;
    }
    let status = 0;
    let failed = 0;
    for (const file of files) {
        let text;
        try {
            text = readScript(file);
        } catch (e) {
            process.stderr.write(`${file}: cannot read: ${e.message}\n`);
            status = 2;
            continue;
        }
        const problems =
            text === null
                ? [{ text: `${file}:1:1: error: not valid UTF-8` }]
                : new FileLint(file, text).run();
        for (const p of problems) {
            process.stdout.write(p.text + '\n');
        }
        if (problems.length) {
            failed++;
            status = status || 1;
        }
    }
    if (summary) {
        process.stdout.write(`cypher-lint: ${files.length - failed} passed, ${failed} failed\n`);
    }
    return status;
}

process.exitCode = main(process.argv.slice(2));
