/*
 * replay.c - run a fuzz target over saved inputs without libFuzzer: each
 * argument is a file or a folder of files.  Exits 0 when every input ran
 * (a failing input crashes or aborts, as under the fuzzer).
 */
#include "util/buf.h"
#include "util/err.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    struct buf b = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    if (buf_read_file(&b, path, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)b.p, b.len);
    buf_release(&b);
    return 0;
}

int
main(int argc, char **argv)
{
    int failed = 0;
    int ran = 0;

    for (int i = 1; i < argc; i++) {
        struct stat sb;
        DIR *d;
        struct dirent *e;

        if (stat(argv[i], &sb)) {
            fprintf(stderr, "error: cannot read '%s'\n", argv[i]);
            failed++;
            continue;
        }
        if (!S_ISDIR(sb.st_mode)) {
            failed += run_file(argv[i]);
            ran++;
            continue;
        }
        d = opendir(argv[i]);
        while (d && (e = readdir(d))) {
            char path[4096];

            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            failed += run_file(path);
            ran++;
        }
        if (d)
            closedir(d);
    }
    printf("%d inputs replayed, %d unreadable\n", ran, failed);
    return failed || !ran ? 1 : 0;
}
