/*
 * fuzz_profile.c - libFuzzer target for the shared config/credentials file
 * parser (aws/profile). Each input is parsed as a config file and as a
 * credentials file; a parsed file is walked and looked up so every string
 * it owns is read, then freed (ASan/LSan catch the rest). Invariants that
 * must hold for any input are checked with abort().
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -Isrc ... (see Makefile `fuzz`).
 * Seeds: tests/fuzz/corpus/profile/.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "base/log.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void fuzz_check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static void fuzz_walk(const struct profile_file *f)
{
    for (size_t i = 0; i < f->nsections; i++) {
        const struct profile_section *s = &f->sections[i];
        fuzz_check(s->name[0] != '\0');
        fuzz_check(profile_file_section(f, s->kind, s->name) == s);
        for (size_t j = 0; j < s->nprops; j++) {
            const struct profile_property *p = &s->props[j];
            fuzz_check(p->name[0] != '\0');
            for (const char *c = p->name; *c; c++) {
                fuzz_check(!(*c >= 'A' && *c <= 'Z'));
            }
            fuzz_check(profile_section_get(s, p->name) == p->value);
            for (size_t k = 0; k < p->nsubs; k++) {
                fuzz_check(profile_section_get_sub(s, p->name, p->subs[k].name) ==
                           p->subs[k].value);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static bool quiet;
    if (!quiet) {
        log_set_level(LOG_QUIET); /* warnings about ignored sections are expected */
        quiet = true;
    }
    const enum profile_file_type types[] = {PROFILE_FILE_CONFIG, PROFILE_FILE_CREDENTIALS};
    for (size_t t = 0; t < 2; t++) {
        struct lt_error err = LT_ERROR_INIT;
        struct profile_file *f = NULL;
        enum lt_rc rc = profile_parse((const char *)data, size, types[t], "fuzz", &f, &err);
        fuzz_check((rc == LT_OK) == (f != NULL));
        fuzz_check(rc == LT_OK || rc == LT_E_CONFIG);
        fuzz_check(rc == LT_OK || strncmp(lt_error_message(&err), "'fuzz' line ", 12) == 0);
        if (f) {
            fuzz_walk(f);
            struct profile_set set = {f, NULL};
            (void)profile_get(&set, "default", "region");
            (void)profile_exists(&set, "default");
            profile_file_free(f);
        }
        lt_error_release(&err);
    }
    log_forget_secrets();
    return 0;
}
