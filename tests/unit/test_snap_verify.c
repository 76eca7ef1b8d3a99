/*
 * Unit tests for snap/verify: every golden snapshot verifies clean, and a
 * copy with one planted problem reports exactly that problem (the whole
 * report is compared). Plants that change content "reseal" the manifest
 * (checksums, sizes, rows and counts recomputed) so that only the planted
 * inconsistency remains. Hostile input (junk, truncation, a directory that
 * is not one) ends in a report or a named error, never a crash.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/mem.h"
#include "snap/read.h"
#include "snap/verify.h"
#include "tap.h"
#include "testfs.h"
#include "testrand.h"
#include "testsnap.h"

#define GOLDEN "tests/golden/basic-xml/expected"
#define TEMPLATES "templates"

/* The report as "file: problem" lines. */
static void report_text(const struct verify_report *rep, struct buf *out)
{
    for (size_t i = 0; i < rep->nproblems; i++) {
        EXPECT_OK(buf_printf(out, "%s: %s\n", rep->problems[i].file, rep->problems[i].text));
    }
}

static void expect_report(const char *dir, const char *want)
{
    struct verify_report rep;
    struct lt_error err = LT_ERROR_INIT;
    struct buf got = BUF_INIT(BUF_MAX_LARGE);
    if (EXPECT_OK(verify_snapshot(dir, TEMPLATES, &rep, &err))) {
        report_text(&rep, &got);
        EXPECT_STR(buf_str(&got), want);
        verify_report_release(&rep);
    } else {
        tap_note("%s", lt_error_message(&err));
    }
    buf_release(&got);
    lt_error_release(&err);
}

static void test_golden_clean(void)
{
    DIR *d = opendir("tests/golden");
    struct dirent *e;
    size_t checked = 0;
    while (d && (e = readdir(d)) != NULL) {
        char path[512];
        struct stat st;
        snprintf(path, sizeof(path), "tests/golden/%s/expected", e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0) {
            continue;
        }
        tap_note("verify %s", path);
        expect_report(path, "");
        checked++;
    }
    if (d) {
        closedir(d);
    }
    EXPECT(checked >= 5);
}

struct planted {
    const char *what;
    const char *file, *from, *to; /* one replacement; file NULL: see extra */
    bool reseal;
    const char *want;
};

#define TAG_ROW "\"Name:gpu-trainer\",\"AWSTag\x1fTag\",\"Name\",\"gpu-trainer\"\n"

static const struct planted plants[] = {
    {"a changed byte", "neo4j-admin-import.args", "# Written", "# written", false,
     "neo4j-admin-import.args: SHA-256 is "
     "7b761cfd69e505aeee20f40316855f291330d774d3582d06fe8bda7f93365d7b, manifest.json says "
     "7b7bc4d7d44146e90ba313a6fb25071e0b83c12042f3db7277f0a7e76412d548\n"},
    {"a wrong rows count", "manifest.json", "\"rows\":\t6,\n\t\t\t\"sha256\":\t\"ee98",
     "\"rows\":\t5,\n\t\t\t\"sha256\":\t\"ee98", false,
     "nodes-aws-tag.csv: 6 rows, manifest.json says 5\n"},
    {"a value not of its type", "nodes-aws-launch-template.csv", ",2,3,", ",2,x3,", true,
     "nodes-aws-launch-template.csv: AWSLaunchTemplate 'lt-0a1b2c3d4e5f60001': "
     "latest_version_number 'x3' is not a long\n"},
    {"snapshot.cypher and the CSV disagree", "snapshot.cypher", "'t3.medium'", "'t3.large'", true,
     "snapshot.cypher: line 45: AWSLaunchTemplateVersion 'lt-0a1b2c3d4e5f60001-2': instance_type "
     "is 't3.large', nodes-aws-launch-template-version.csv has 't3.medium'\n"},
    {"a duplicate id", "nodes-aws-tag.csv", TAG_ROW, TAG_ROW TAG_ROW, true,
     "nodes-aws-tag.csv: AWSTag id 'Name:gpu-trainer' appears twice (records 2 and 3)\n"},
    {"a missing manifest", "manifest.json", NULL, NULL, false, "manifest.json: missing\n"},
};

static void test_planted(const char *dir)
{
    for (size_t i = 0; i < LT_ARRAY_SIZE(plants); i++) {
        const struct planted *p = &plants[i];
        char sub[512];
        snprintf(sub, sizeof(sub), "%s/plant%zu", dir, i);
        mkdir(sub, 0755);
        testsnap_copy(GOLDEN, sub);
        tap_note("planted: %s", p->what);
        if (p->from) {
            EXPECT(testsnap_plant(sub, p->file, p->from, p->to));
        } else {
            remove(testfs_path(sub, p->file));
        }
        if (p->reseal) {
            testsnap_reseal(sub);
        }
        expect_report(sub, p->want);
    }
}

/* A dangling end planted in both the CSV and the script: only the endpoint is wrong. */
static void test_dangling(const char *dir)
{
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/dangling", dir);
    mkdir(sub, 0755);
    testsnap_copy(GOLDEN, sub);
    EXPECT(testsnap_plant(sub, "rels-tagged.csv", "\"cost-center:\"", "\"cost-center:x\""));
    EXPECT(testsnap_plant(sub, "snapshot.cypher", "to: 'cost-center:'", "to: 'cost-center:x'"));
    testsnap_reseal(sub);
    expect_report(sub, "rels-tagged.csv: record 5: end 'cost-center:x' is not an AWSTag of "
                       "nodes-aws-tag.csv\n");
    /* A file missing, another extra: named, nothing else. */
    testsnap_copy(GOLDEN, sub);
    remove(testfs_path(sub, "rels-tagged.csv"));
    testfs_put(sub, "notes.txt", "mine\n", 0644);
    expect_report(sub, "notes.txt: not a file of an ltsnap snapshot\n"
                       "rels-tagged.csv: missing\n");
}

/* Junk, truncation and the wrong kind of path: a report or an error, never a crash. */
static void test_hostile(const char *dir)
{
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/hostile", dir);
    mkdir(sub, 0755);
    testsnap_copy(GOLDEN, sub);
    static const unsigned char junk[] = {0x00, 0xff, '"', '\n', 0x1f, '\'', '\\', 0x80, ','};
    testfs_write(testfs_path(sub, "manifest.json"), junk, sizeof(junk));
    testfs_write(testfs_path(sub, "snapshot.cypher"), junk, sizeof(junk));
    size_t len = 0;
    char *text = testsnap_read(GOLDEN, "nodes-aws-launch-template-version.csv", &len);
    testfs_write(testfs_path(sub, "nodes-aws-launch-template-version.csv"), text, len / 2);
    mem_free(text);
    expect_report(sub, "manifest.json: invalid UTF-8 at byte 1\n"
                       "nodes-aws-launch-template-version.csv: not valid CSV after record 4: error "
                       "parsing data while strict checking enabled\n"
                       "snapshot.cypher: does not start with a parameter line the templates make; "
                       "not read further\n");

    struct verify_report rep;
    struct lt_error err = LT_ERROR_INIT;
    EXPECT_INT(verify_snapshot(testfs_path(dir, "nope"), TEMPLATES, &rep, &err), LT_E_IO);
    EXPECT(strstr(lt_error_message(&err), "No such file or directory") != NULL);
    lt_error_clear(&err);
    EXPECT_INT(verify_snapshot(testfs_path(sub, "tombstones.csv"), TEMPLATES, &rep, &err), LT_E_IO);
    EXPECT(strstr(lt_error_message(&err), "is not a directory") != NULL);
    EXPECT(rep.problems == NULL && rep.nfiles == 0);
    lt_error_release(&err);
}

/*
 * Random damage, resealed so that it reaches the parsers: one byte changed,
 * or the file cut short. verify must answer every time (no crash, no
 * error) and name a problem for nearly all of them (a changed byte can
 * fall where nothing depends on it, or turn a value into another valid
 * one that both files agree on only when it is in both: not here).
 */
static void test_mutations(const char *dir)
{
    static const char *const files[] = {"snapshot.cypher", "nodes-aws-launch-template-version.csv",
                                        "rels-tagged.csv", "tombstones.csv", "manifest.json"};
    uint64_t state = 0x2545F4914F6CDD1Du;
    size_t runs = 0, found = 0, failures = 0;
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/mutations", dir);
    mkdir(sub, 0755);
    for (size_t f = 0; f < LT_ARRAY_SIZE(files); f++) {
        for (int i = 0; i < 40; i++) {
            size_t len = 0;
            testsnap_copy(GOLDEN, sub);
            char *text = testsnap_read(sub, files[f], &len);
            size_t at = (size_t)(test_random(&state) % len);
            if (i % 4 == 3) {
                len = at; /* cut short */
            } else {
                text[at] = (char)(test_random(&state) & 0xFF);
            }
            testfs_write(testfs_path(sub, files[f]), text, len);
            mem_free(text);
            if (strcmp(files[f], "manifest.json") != 0) {
                testsnap_reseal(sub);
            }
            struct verify_report rep;
            struct lt_error err = LT_ERROR_INIT;
            runs++;
            if (verify_snapshot(sub, TEMPLATES, &rep, &err) != LT_OK) {
                failures++;
                tap_note("%s at %zu: %s", files[f], at, lt_error_message(&err));
            } else {
                found += rep.total > 0;
                failures += rep.nproblems > rep.total;
                verify_report_release(&rep);
            }
            lt_error_release(&err);
        }
    }
    tap_note("mutations: %zu runs, a problem found in %zu", runs, found);
    EXPECT_INT(failures, 0);
    EXPECT(found * 10 >= runs * 9);
}

int main(void)
{
    char dir[256];
    testfs_scratch(dir, sizeof(dir), "verify");
    test_golden_clean();
    test_planted(dir);
    test_dangling(dir);
    test_hostile(dir);
    test_mutations(dir);
    testfs_remove(dir);
    return tap_done();
}
