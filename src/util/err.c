#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
gz_errf(struct gz_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void
gz_err_clear(struct gz_err *err)
{
    if (!err)
        return;
    err->code = GZ_OK;
    err->msg[0] = '\0';
}

const char *
gz_strerror(int code)
{
    switch (code) {
    case GZ_OK:
        return "ok";
    case GZ_ENOMEM:
        return "out of memory";
    case GZ_EINVAL:
        return "invalid argument";
    case GZ_EPARSE:
        return "parse error";
    case GZ_EIO:
        return "i/o error";
    case GZ_ELIMIT:
        return "limit exceeded";
    case GZ_ENOTFOUND:
        return "not found";
    case GZ_EEXIST:
        return "already exists";
    case GZ_EDB:
        return "database error";
    case GZ_ENET:
        return "network error";
    case GZ_EDENIED:
        return "refused";
    case GZ_EUSAGE:
        return "usage error";
    case GZ_ETIMEOUT:
        return "timed out";
    case GZ_EBUSY:
        return "busy";
    }
    return "unknown error";
}
