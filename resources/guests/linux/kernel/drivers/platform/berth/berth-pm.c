// SPDX-License-Identifier: GPL-2.0
/*
 * Berth PM1 power-management block ("berth,pm1").
 *
 * The Berth board emulates the ACPI PM1 registers of a PC's PIIX4 at a
 * memory-mapped address (little-endian 16-bit registers):
 *
 *   +0 PM1_STS  bit 8 PWRBTN_STS (write 1 to clear)
 *   +2 PM1_EN   bit 8 PWRBTN_EN
 *   +4 PM1_CNT  bit 0 SCI_EN, bits 10-12 SLP_TYP, bit 13 SLP_EN (write-only)
 *
 * The SCI is a level interrupt, asserted while (PM1_STS & PM1_EN) and SCI_EN.
 * This driver does what Linux's ACPI button + sleep code does on a PC:
 * it enables the power button, turns each PWRBTN_STS into a KEY_POWER
 * press/release on an input device, and powers off by writing
 * SLP_TYP = 0 (S5) with SLP_EN to PM1_CNT.
 *
 * Copyright (C) 2026 The Berth authors
 */

#include <linux/delay.h>
#include <linux/input.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/reboot.h>

#define PM1_STS			0x0
#define PM1_EN			0x2
#define PM1_CNT			0x4

#define PM1_PWRBTN		BIT(8)	/* PWRBTN_STS in PM1_STS, PWRBTN_EN in PM1_EN */
#define PM1_CNT_SCI_EN		BIT(0)
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_TYP_MASK	(7 << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN		BIT(13)
#define SLP_TYP_S5		0

struct berth_pm {
	void __iomem *base;
	struct input_dev *input;
	struct device *dev;
};

static irqreturn_t berth_pm_irq(int irq, void *data)
{
	struct berth_pm *pm = data;
	u16 sts = readw(pm->base + PM1_STS);

	if (!(sts & PM1_PWRBTN))
		return IRQ_NONE;

	/* Acknowledge first (W1C) so the level SCI drops. */
	writew(PM1_PWRBTN, pm->base + PM1_STS);

	dev_info(pm->dev, "power button pressed\n");
	input_report_key(pm->input, KEY_POWER, 1);
	input_sync(pm->input);
	input_report_key(pm->input, KEY_POWER, 0);
	input_sync(pm->input);

	return IRQ_HANDLED;
}

static int berth_pm_power_off(struct sys_off_data *data)
{
	struct berth_pm *pm = data->cb_data;

	/* S5 soft-off, as acpi_enter_sleep_state(ACPI_STATE_S5) on a PC. */
	writew((SLP_TYP_S5 << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SLP_EN |
	       PM1_CNT_SCI_EN, pm->base + PM1_CNT);

	/* The board stops at its next main-loop check; give it time. */
	mdelay(500);
	dev_warn(pm->dev, "S5 did not power off, trying the next handler\n");
	return NOTIFY_DONE;
}

static int berth_pm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct berth_pm *pm;
	int irq, ret;

	pm = devm_kzalloc(dev, sizeof(*pm), GFP_KERNEL);
	if (!pm)
		return -ENOMEM;
	pm->dev = dev;

	pm->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(pm->base))
		return PTR_ERR(pm->base);

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;

	pm->input = devm_input_allocate_device(dev);
	if (!pm->input)
		return -ENOMEM;
	pm->input->name = "Berth Power Button";
	pm->input->phys = "berth-pm/button/input0";
	pm->input->id.bustype = BUS_HOST;
	pm->input->dev.parent = dev;
	input_set_capability(pm->input, EV_KEY, KEY_POWER);

	ret = input_register_device(pm->input);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register input device\n");

	/* Drop any stale press, then take the SCI before enabling it. */
	writew(PM1_PWRBTN, pm->base + PM1_STS);

	ret = devm_request_irq(dev, irq, berth_pm_irq, 0, "berth-pm", pm);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request IRQ %d\n", irq);

	writew(PM1_PWRBTN, pm->base + PM1_EN);
	writew(PM1_CNT_SCI_EN, pm->base + PM1_CNT);

	/* Run before SBI / syscon-poweroff, as ACPI's S5 does on a PC. */
	ret = devm_register_sys_off_handler(dev, SYS_OFF_MODE_POWER_OFF,
					    SYS_OFF_PRIO_HIGH,
					    berth_pm_power_off, pm);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register power-off handler\n");

	platform_set_drvdata(pdev, pm);
	dev_info(dev, "PM1 at %pR, IRQ %d: power button and S5 soft-off enabled\n",
		 platform_get_resource(pdev, IORESOURCE_MEM, 0), irq);
	return 0;
}

static const struct of_device_id berth_pm_of_match[] = {
	{ .compatible = "berth,pm1" },
	{ }
};
MODULE_DEVICE_TABLE(of, berth_pm_of_match);

static struct platform_driver berth_pm_driver = {
	.probe = berth_pm_probe,
	.driver = {
		.name = "berth-pm",
		.of_match_table = berth_pm_of_match,
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(berth_pm_driver);

MODULE_DESCRIPTION("Berth PM1 power button and soft-off");
MODULE_LICENSE("GPL");
