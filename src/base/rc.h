/*
 * rc.h - the result code every fallible function returns.
 *
 * Owns: enum lt_rc and LT_TRY. Names, categories and texts of the codes live
 * in err.c (lt_rc_name, lt_rc_text, lt_rc_category).
 * May call: nothing.
 */
#ifndef LT_BASE_RC_H
#define LT_BASE_RC_H

enum lt_rc {
    LT_OK = 0,
    LT_E_USAGE,    /* bad command line */
    LT_E_INPUT,    /* malformed or unexpected input data */
    LT_E_LIMIT,    /* input exceeds a documented size limit */
    LT_E_IO,       /* file system */
    LT_E_NET,      /* transport: connect, TLS, timeout, dropped connection */
    LT_E_AWS,      /* the service answered with an error */
    LT_E_CREDS,    /* no usable credentials */
    LT_E_CONFIG,   /* bad configuration file or environment setting */
    LT_E_INTERNAL, /* a broken invariant: a bug */
};

/* Evaluates expr once; returns its code from the enclosing function unless LT_OK. */
#define LT_TRY(expr)                                                                               \
    do {                                                                                           \
        enum lt_rc lt_try_rc_ = (expr);                                                            \
        if (lt_try_rc_ != LT_OK) {                                                                 \
            return lt_try_rc_;                                                                     \
        }                                                                                          \
    } while (0)

#endif
