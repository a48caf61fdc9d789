/*
 * err.h - error codes and the caller-owned error message.
 *
 * Every fallible function returns int: 0 on success or a negative GZ_E*
 * code.  When the caller passes a struct gz_err, the callee also writes a
 * human-readable message into it (lowercase, no full stop, subject in
 * quotes, as git words them).  A NULL err is allowed everywhere and means
 * "I only want the code".
 *
 * Thread-safety: none needed; a gz_err belongs to one caller.
 */
#ifndef GZ_UTIL_ERR_H
#define GZ_UTIL_ERR_H

#include <stddef.h>

enum gz_code {
    GZ_OK = 0,
    GZ_ENOMEM = -1,    /* allocation failed (only where we do not abort) */
    GZ_EINVAL = -2,    /* bad argument or bad user input */
    GZ_EPARSE = -3,    /* input could not be parsed */
    GZ_EIO = -4,       /* file or socket I/O failed */
    GZ_ELIMIT = -5,    /* a size, depth or count limit was crossed */
    GZ_ENOTFOUND = -6, /* no such row, file or resource */
    GZ_EEXIST = -7,    /* already exists (unique constraint) */
    GZ_EDB = -8,       /* database error */
    GZ_ENET = -9,      /* network error */
    GZ_EDENIED = -10,  /* refused by policy (SSRF, auth, rate limit) */
    GZ_EUSAGE = -11,   /* bad command line */
    GZ_ETIMEOUT = -12, /* timed out */
    GZ_EBUSY = -13,    /* locked or in use; retry later */
};

#define GZ_ERR_MSG_MAX 512

struct gz_err {
    int code;
    char msg[GZ_ERR_MSG_MAX];
};

#define GZ_ERR_INIT                                                                                \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/*
 * Record code and a printf-style message in err (when err is non-NULL)
 * and return code, so callers can write `return gz_errf(err, ...)`.
 */
int gz_errf(struct gz_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear err back to GZ_OK with an empty message.  err may be NULL. */
void gz_err_clear(struct gz_err *err);

/* A short constant name for a code ("parse error"); never NULL. */
const char *gz_strerror(int code);

#endif
