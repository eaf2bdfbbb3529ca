#ifndef CMPI_H
#define CMPI_H
// Open MPI, reached at run time rather than linked. vae-pipeline must build and run on machines
// without MPI, and a binary must say whether it can train across processes (`--version`'s
// `MPI:` line), so nothing here needs <mpi.h> or libmpi at build time: `cmpi_load` dlopens
// Debian's Open MPI 4.x library (`libmpi.so.40`, RTLD_GLOBAL so that Open MPI's own plugins
// find its symbols) and looks up the few functions and predefined handles training uses.
//
// Open MPI's handles are addresses of exported objects (`MPI_COMM_WORLD` is
// `&ompi_mpi_comm_world`, `MPI_FLOAT` is `&ompi_mpi_float`, `MPI_SUM` is `&ompi_mpi_op_sum`), so
// `dlsym` of those names gives the handle values; the function types below are the MPI
// standard's C bindings with the handles as opaque pointers. This is Open MPI's ABI, not the
// MPI standard's: `cmpi_load` refuses a library whose version string does not name Open MPI.
//
// Every function returns an MPI error code (0 is MPI_SUCCESS); the default error handler of
// MPI_COMM_WORLD (MPI_ERRORS_ARE_FATAL) ends the job on a communication failure anyway.
#include <stdint.h>

/// The library's soname this shim loads.
#define CMPI_LIBRARY "libmpi.so.40"

/// Reduction operations (Open MPI's MPI_SUM, MPI_MAX, MPI_MIN).
enum { CMPI_SUM = 0, CMPI_MAX = 1, CMPI_MIN = 2 };
/// Element types (MPI_FLOAT, MPI_DOUBLE, MPI_INT).
enum { CMPI_FLOAT = 0, CMPI_DOUBLE = 1, CMPI_INT32 = 2 };

/// Loads `library` (a soname or a path; NULL means CMPI_LIBRARY) and resolves every symbol, once:
/// later calls return the first result whatever they pass. Returns 1 when MPI is usable; 0 with a
/// reason in `error` (NUL-terminated) otherwise.
int cmpi_load(const char *library, char *error, int capacity);

/// MPI_Get_library_version (callable before MPI_Init); 0 on success.
int cmpi_library_version(char *buffer, int capacity);

/// MPI_Init_thread with MPI_THREAD_SERIALIZED (Swift tasks call MPI from different threads, one
/// at a time). `provided` receives the level granted (0 single … 3 multiple).
int cmpi_init(int *provided);
/// MPI_Initialized.
int cmpi_is_initialized(void);
/// MPI_Comm_rank / MPI_Comm_size of MPI_COMM_WORLD.
int cmpi_world_rank(int *rank);
int cmpi_world_size(int *size);
/// MPI_Allreduce in place (MPI_IN_PLACE) over MPI_COMM_WORLD.
int cmpi_allreduce(void *buffer, int count, int type, int operation);
/// MPI_Sendrecv over MPI_COMM_WORLD: sends `send_count` elements to rank `destination` while
/// receiving `receive_count` from rank `source` (the steps of a ring; a tag of its own).
int cmpi_sendrecv(const void *send, int send_count, int destination, void *receive, int receive_count, int source,
                  int type);
/// MPI_Allgatherv in place (MPI_IN_PLACE) over MPI_COMM_WORLD: `buffer` holds one part per
/// process, `counts[r]` elements from `displacements[r]`; each process's part goes to all.
int cmpi_allgatherv(void *buffer, const int *counts, const int *displacements, int type);
/// MPI_Barrier(MPI_COMM_WORLD).
int cmpi_barrier(void);
/// Returns when every process has called it, like MPI_Barrier, but waits without a busy core:
/// MPI_Ibarrier, then MPI_Test, polling for 50 µs and then with sleeps growing from 20 µs to
/// `max_sleep_us`. Open MPI's
/// blocking calls poll at full speed while they wait, which on a machine with as many ranks as
/// cores takes the core a slower rank (or rank 0's validation) needs; after this the blocking
/// reduction that follows only moves data.
int cmpi_await_all(int max_sleep_us);
/// MPI_Abort(MPI_COMM_WORLD, code): ends every process of the job.
int cmpi_abort(int code);
/// MPI_Finalize.
int cmpi_finalize(void);

#endif
