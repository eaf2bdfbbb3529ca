// See include/CMPI.h: Open MPI through dlopen/dlsym, so the package neither links nor needs MPI.
#include "CMPI.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef void *cmpi_handle;

typedef int (*init_thread_fn)(int *, char ***, int, int *);
typedef int (*initialized_fn)(int *);
typedef int (*comm_int_fn)(cmpi_handle, int *);
typedef int (*allreduce_fn)(const void *, void *, int, cmpi_handle, cmpi_handle, cmpi_handle);
typedef int (*sendrecv_fn)(const void *, int, cmpi_handle, int, int, void *, int, cmpi_handle, int, int,
                           cmpi_handle, void *);
typedef int (*allgatherv_fn)(const void *, int, cmpi_handle, void *, const int *, const int *, cmpi_handle,
                             cmpi_handle);
typedef int (*comm_fn)(cmpi_handle);
typedef int (*abort_fn)(cmpi_handle, int);
typedef int (*finalize_fn)(void);
typedef int (*library_version_fn)(char *, int *);
typedef int (*ibarrier_fn)(cmpi_handle, cmpi_handle *);
typedef int (*test_fn)(cmpi_handle *, int *, void *);

// Open MPI's values (mpi.h): MPI_IN_PLACE is ((void *) 1); MPI_THREAD_SERIALIZED is 2.
#define CMPI_IN_PLACE ((void *)1)
#define CMPI_THREAD_SERIALIZED 2
// MPI_MAX_LIBRARY_VERSION_STRING in Open MPI 4.
#define CMPI_VERSION_CAPACITY 256

static struct {
    int loaded;
    char error[512];
    init_thread_fn init_thread;
    initialized_fn initialized;
    comm_int_fn comm_rank, comm_size;
    allreduce_fn allreduce;
    sendrecv_fn sendrecv;
    allgatherv_fn allgatherv;
    comm_fn barrier;
    abort_fn abort;
    finalize_fn finalize;
    library_version_fn library_version;
    ibarrier_fn ibarrier;
    test_fn test;
    cmpi_handle comm_world, float_type, double_type, int_type, op_sum, op_max, op_min;
} mpi;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *library_name = CMPI_LIBRARY;

static void *resolve(void *library, const char *name, int *missing) {
    void *symbol = dlsym(library, name);
    if (symbol == NULL && !*missing) {
        *missing = 1;
        snprintf(mpi.error, sizeof mpi.error, "%s has no symbol %s (not Open MPI 4?)", library_name, name);
    }
    return symbol;
}

static void load(void) {
    void *library = dlopen(library_name, RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) {
        const char *reason = dlerror();
        if (reason) snprintf(mpi.error, sizeof mpi.error, "%s", reason);
        else snprintf(mpi.error, sizeof mpi.error, "%s could not be loaded", library_name);
        return;
    }
    int missing = 0;
    mpi.init_thread = (init_thread_fn)resolve(library, "MPI_Init_thread", &missing);
    mpi.initialized = (initialized_fn)resolve(library, "MPI_Initialized", &missing);
    mpi.comm_rank = (comm_int_fn)resolve(library, "MPI_Comm_rank", &missing);
    mpi.comm_size = (comm_int_fn)resolve(library, "MPI_Comm_size", &missing);
    mpi.allreduce = (allreduce_fn)resolve(library, "MPI_Allreduce", &missing);
    mpi.sendrecv = (sendrecv_fn)resolve(library, "MPI_Sendrecv", &missing);
    mpi.allgatherv = (allgatherv_fn)resolve(library, "MPI_Allgatherv", &missing);
    mpi.barrier = (comm_fn)resolve(library, "MPI_Barrier", &missing);
    mpi.abort = (abort_fn)resolve(library, "MPI_Abort", &missing);
    mpi.finalize = (finalize_fn)resolve(library, "MPI_Finalize", &missing);
    mpi.library_version = (library_version_fn)resolve(library, "MPI_Get_library_version", &missing);
    mpi.ibarrier = (ibarrier_fn)resolve(library, "MPI_Ibarrier", &missing);
    mpi.test = (test_fn)resolve(library, "MPI_Test", &missing);
    mpi.comm_world = resolve(library, "ompi_mpi_comm_world", &missing);
    mpi.float_type = resolve(library, "ompi_mpi_float", &missing);
    mpi.double_type = resolve(library, "ompi_mpi_double", &missing);
    mpi.int_type = resolve(library, "ompi_mpi_int", &missing);
    mpi.op_sum = resolve(library, "ompi_mpi_op_sum", &missing);
    mpi.op_max = resolve(library, "ompi_mpi_op_max", &missing);
    mpi.op_min = resolve(library, "ompi_mpi_op_min", &missing);
    if (missing) return;
    char version[CMPI_VERSION_CAPACITY] = {0};
    int length = 0;
    if (mpi.library_version(version, &length) != 0 || strstr(version, "Open MPI") == NULL) {
        snprintf(mpi.error, sizeof mpi.error, "%s is not Open MPI (%.200s)", library_name, version);
        return;
    }
    mpi.loaded = 1;
}

static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;
static char chosen_name[1024];
static int name_chosen;

int cmpi_load(const char *library, char *error, int capacity) {
    pthread_mutex_lock(&name_lock);
    // The first call names the library; loading happens once.
    if (!name_chosen && library != NULL) {
        snprintf(chosen_name, sizeof chosen_name, "%s", library);
        library_name = chosen_name;
    }
    name_chosen = 1;
    pthread_mutex_unlock(&name_lock);
    pthread_once(&load_once, load);
    if (!mpi.loaded && error != NULL && capacity > 0) snprintf(error, (size_t)capacity, "%s", mpi.error);
    return mpi.loaded;
}

int cmpi_library_version(char *buffer, int capacity) {
    if (!mpi.loaded || capacity < 1) return -1;
    char version[CMPI_VERSION_CAPACITY] = {0};
    int length = 0;
    int status = mpi.library_version(version, &length);
    snprintf(buffer, (size_t)capacity, "%s", version);
    return status;
}

int cmpi_init(int *provided) {
    if (!mpi.loaded) return -1;
    return mpi.init_thread(NULL, NULL, CMPI_THREAD_SERIALIZED, provided);
}

int cmpi_is_initialized(void) {
    int flag = 0;
    if (!mpi.loaded || mpi.initialized(&flag) != 0) return 0;
    return flag;
}

int cmpi_world_rank(int *rank) { return mpi.loaded ? mpi.comm_rank(mpi.comm_world, rank) : -1; }
int cmpi_world_size(int *size) { return mpi.loaded ? mpi.comm_size(mpi.comm_world, size) : -1; }

static cmpi_handle datatype(int type) {
    return type == CMPI_DOUBLE ? mpi.double_type : type == CMPI_INT32 ? mpi.int_type : mpi.float_type;
}

static cmpi_handle reduction(int operation) {
    return operation == CMPI_MAX ? mpi.op_max : operation == CMPI_MIN ? mpi.op_min : mpi.op_sum;
}

int cmpi_allreduce(void *buffer, int count, int type, int operation) {
    if (!mpi.loaded) return -1;
    return mpi.allreduce(CMPI_IN_PLACE, buffer, count, datatype(type), reduction(operation), mpi.comm_world);
}

// A tag of the ring's own, so that its messages never match another point-to-point exchange.
#define CMPI_RING_TAG 0x5c47

int cmpi_sendrecv(const void *send, int send_count, int destination, void *receive, int receive_count, int source,
                  int type) {
    if (!mpi.loaded) return -1;
    // MPI_STATUS_IGNORE is a null pointer in Open MPI.
    return mpi.sendrecv(send, send_count, datatype(type), destination, CMPI_RING_TAG, receive, receive_count,
                        datatype(type), source, CMPI_RING_TAG, mpi.comm_world, NULL);
}

int cmpi_allgatherv(void *buffer, const int *counts, const int *displacements, int type) {
    if (!mpi.loaded) return -1;
    // With MPI_IN_PLACE the send count and type are ignored: each process's part is already in place.
    return mpi.allgatherv(
        CMPI_IN_PLACE, 0, datatype(type), buffer, counts, displacements, datatype(type), mpi.comm_world);
}

int cmpi_barrier(void) { return mpi.loaded ? mpi.barrier(mpi.comm_world) : -1; }
int cmpi_await_all(int max_sleep_us) {
    if (!mpi.loaded) return -1;
    cmpi_handle request = NULL;
    int status = mpi.ibarrier(mpi.comm_world, &request);
    if (status != 0) return status;
    // Ranks that arrive together (the reductions that follow the gradient's) should not pay a
    // sleep: poll without sleeping for the first 50 µs.
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long sleep_ns = 20000;
    for (;;) {
        int done = 0;
        // MPI_STATUS_IGNORE is a null pointer in Open MPI.
        status = mpi.test(&request, &done, NULL);
        if (status != 0 || done) return status;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < 50000L) continue;
        struct timespec pause = {0, sleep_ns};
        nanosleep(&pause, NULL);
        if (sleep_ns < (long)max_sleep_us * 1000) sleep_ns *= 2;
        if (sleep_ns > (long)max_sleep_us * 1000) sleep_ns = (long)max_sleep_us * 1000;
    }
}

int cmpi_abort(int code) { return mpi.loaded ? mpi.abort(mpi.comm_world, code) : -1; }
int cmpi_finalize(void) { return mpi.loaded ? mpi.finalize() : -1; }
