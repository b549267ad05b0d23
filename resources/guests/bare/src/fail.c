/* fail: failure exit with code 3 through sifive_test ((3 << 16) | 0x3333). */
#include "lib.h"

int main(void)
{
    kprintf("failing with code 3\n");
    fail(3);
}
