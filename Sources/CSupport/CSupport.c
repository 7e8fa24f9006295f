#define _GNU_SOURCE
#include "CSupport.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *csupport_strcasestr(const char *haystack, const char *needle) {
    return strcasestr(haystack, needle);
}

int csupport_set_malloc_arena_max(int arenas) {
#ifdef M_ARENA_MAX
    return mallopt(M_ARENA_MAX, arenas);
#else
    (void)arenas;
    return 0;
#endif
}

struct emergency_file {
    char *path;
    char *staging;
    unsigned char *bytes;
    size_t length;
};

struct emergency_set {
    size_t count;
    struct emergency_file *files;
};

/* The set the crash handler writes, and the one it replaced (freed only on the next change, so a
 * handler interrupting csupport_emergency_set never reads freed memory). */
static _Atomic(struct emergency_set *) current = NULL;
static struct emergency_set *retired = NULL;

static char *copy_string(const char *text) {
    size_t length = strlen(text) + 1;
    char *copy = malloc(length);
    if (copy) memcpy(copy, text, length);
    return copy;
}

static void free_set(struct emergency_set *set) {
    if (!set) return;
    for (size_t index = 0; index < set->count; index++) {
        free(set->files[index].path);
        free(set->files[index].staging);
        free(set->files[index].bytes);
    }
    free(set->files);
    free(set);
}

void csupport_emergency_set(size_t count, const char *const *paths, const char *const *staging_paths,
                            const unsigned char *const *contents, const size_t *lengths) {
    struct emergency_set *set = NULL;
    if (count > 0) {
        set = calloc(1, sizeof *set);
        if (!set) return;
        set->files = calloc(count, sizeof *set->files);
        if (!set->files) {
            free(set);
            return;
        }
        set->count = count;
        for (size_t index = 0; index < count; index++) {
            struct emergency_file *file = &set->files[index];
            file->path = copy_string(paths[index]);
            file->staging = copy_string(staging_paths[index]);
            file->bytes = malloc(lengths[index] ? lengths[index] : 1);
            file->length = lengths[index];
            if (!file->path || !file->staging || !file->bytes) {
                free_set(set);
                return;
            }
            memcpy(file->bytes, contents[index], lengths[index]);
        }
    }
    struct emergency_set *previous = atomic_exchange(&current, set);
    free_set(retired);
    retired = previous;
}

void csupport_emergency_write(void) {
    struct emergency_set *set = atomic_load(&current);
    if (!set) return;
    for (size_t index = 0; index < set->count; index++) {
        struct emergency_file *file = &set->files[index];
        int fd = open(file->staging, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) continue;
        size_t written = 0;
        while (written < file->length) {
            ssize_t result = write(fd, file->bytes + written, file->length - written);
            if (result <= 0) break;
            written += (size_t)result;
        }
        fsync(fd);
        close(fd);
        if (written == file->length) {
            rename(file->staging, file->path);
        } else {
            unlink(file->staging);
        }
    }
}
