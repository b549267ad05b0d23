/* reset: guest-initiated reset through sifive_test (0x7777).
 * A magic word at 0x8010_0000 (outside the loaded image, so neither Berth nor QEMU
 * restores it at reset) tells the two boots apart: on the first boot it prints
 * "first boot", stores the magic and resets; after the reset it prints "after reset",
 * clears the word and powers off. */
#include "lib.h"

#define MAGIC_ADDR 0x80100000UL
#define MAGIC      0xB0075AFEu

extern char _end[];

int main(void)
{
    if ((unsigned long)_end > MAGIC_ADDR) {
        kprintf("reset: image overlaps the magic word\n");
        fail(2);
    }
    volatile uint32_t *magic = (volatile uint32_t *)MAGIC_ADDR;
    if (*magic != MAGIC) {
        kprintf("first boot\n");
        *magic = MAGIC;
        __asm__ volatile("fence" ::: "memory");
        reset();
    }
    kprintf("after reset\n");
    *magic = 0;
    return 0;
}
