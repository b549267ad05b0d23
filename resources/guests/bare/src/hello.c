/* hello: greeting, misa and mhartid, then power off. */
#include "lib.h"

int main(void)
{
    kprintf("Hello from Berth guest\n");
    kprintf("misa=0x%lx\n", csr_read(misa));
    kprintf("mhartid=%lu\n", csr_read(mhartid));
    return 0;
}
