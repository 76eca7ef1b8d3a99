#include "testsnap.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/mem.h"
#include "snap/read.h"
#include "testfs.h"

static void bail(const char *what, const char *detail)
{
    printf("Bail out! %s: %s\n", what, detail);
    exit(1);
}

char *testsnap_read(const char *dir, const char *name, size_t *len)
{
    struct buf b = BUF_INIT(SNAP_MAX_FILE);
    struct lt_error err = LT_ERROR_INIT;
    if (snap_read_file(dir, name, &b, &err) != LT_OK) {
        bail("cannot read", lt_error_message(&err));
    }
    lt_error_release(&err);
    return buf_detach(&b, len);
}

void testsnap_copy(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (d == NULL) {
        bail("cannot list", from);
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        size_t len = 0;
        char *text = testsnap_read(from, e->d_name, &len);
        testfs_write(testfs_path(to, e->d_name), text, len);
        mem_free(text);
    }
    closedir(d);
}

static void write_buf(const char *dir, const char *name, struct buf *b)
{
    if (b->ptr == NULL && b->len != 0) {
        bail("out of room writing", name);
    }
    testfs_write(testfs_path(dir, name), buf_str(b), b->len);
}

int testsnap_plant(const char *dir, const char *name, const char *from, const char *to)
{
    size_t len = 0;
    char *text = testsnap_read(dir, name, &len);
    char *at = strstr(text, from);
    if (at == NULL) {
        mem_free(text);
        return 0;
    }
    struct buf out = BUF_INIT(SNAP_MAX_FILE);
    if (buf_add(&out, text, (size_t)(at - text)) != LT_OK || buf_adds(&out, to) != LT_OK ||
        buf_adds(&out, at + strlen(from)) != LT_OK) {
        bail("cannot plant into", name);
    }
    write_buf(dir, name, &out);
    buf_release(&out);
    mem_free(text);
    return 1;
}

void testsnap_header_only(const char *dir, const char *name)
{
    size_t len = 0;
    char *text = testsnap_read(dir, name, &len);
    char *nl = strchr(text, '\n');
    testfs_write(testfs_path(dir, name), text, nl ? (size_t)(nl - text + 1) : len);
    mem_free(text);
}

static size_t csv_rows(const char *dir, const char *name)
{
    size_t len = 0, n = 0;
    char *text = testsnap_read(dir, name, &len);
    struct snap_table t;
    struct lt_error err = LT_ERROR_INIT;
    if (snap_table_parse(&t, name, text, len, &err) == LT_OK) {
        n = t.nrows;
        snap_table_release(&t);
    }
    lt_error_release(&err);
    mem_free(text);
    return n;
}

static void reseal_file(const char *dir, cJSON *f)
{
    const char *name = json_get_string(f, "name");
    size_t len = 0;
    char *data = testsnap_read(dir, name, &len);
    struct buf sum = BUF_INIT(128);
    if (hash_sha256_hex(&sum, data, len) != LT_OK) {
        bail("cannot hash", name);
    }
    cJSON_ReplaceItemInObjectCaseSensitive(f, "sha256", cJSON_CreateString(buf_str(&sum)));
    cJSON_ReplaceItemInObjectCaseSensitive(f, "bytes", cJSON_CreateNumber((double)len));
    if (strstr(name, ".csv")) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "rows",
                                               cJSON_CreateNumber((double)csv_rows(dir, name)));
    }
    buf_release(&sum);
    mem_free(data);
}

void testsnap_reseal(const char *dir)
{
    size_t len = 0;
    char *text = testsnap_read(dir, "manifest.json", &len);
    cJSON *m = cJSON_ParseWithLength(text, len);
    if (m == NULL) {
        bail("not JSON", "manifest.json");
    }
    cJSON *f = NULL;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(m, "files")) {
        reseal_file(dir, f);
    }
    cJSON *nodes =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "counts"), "nodes");
    for (size_t k = 0; k < SCHEMA_NODE_COUNT; k++) {
        cJSON_ReplaceItemInObjectCaseSensitive(
            nodes, schema_nodes[k].label,
            cJSON_CreateNumber((double)csv_rows(dir, schema_nodes[k].file)));
    }
    struct buf out = BUF_INIT(SNAP_MAX_FILE);
    if (json_pretty(m, &out) != LT_OK) {
        bail("cannot print", "manifest.json");
    }
    write_buf(dir, "manifest.json", &out);
    buf_release(&out);
    cJSON_Delete(m);
    mem_free(text);
}
