/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough ACPI to find the CPUs: RSDP -> XSDT (or RSDT) -> MADT, whose
 * Processor Local APIC (type 0) and Processor Local x2APIC (type 9)
 * entries list the CPUs (ACPI 6.5, 5.2.5 RSDP, 5.2.7 RSDT, 5.2.8 XSDT,
 * 5.2.12 MADT). Tables are read in place through the identity map; every
 * length is checked against the table it belongs to and checksums are
 * verified, so a broken table is skipped, not followed.
 */
#include "x86.h"
#include "xen/lib.h"

#define SDT_HEADER_LEN 36
#define MADT_ENTRIES_OFF 44

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		sum = (uint8_t)(sum + p[i]);
	}
	return sum == 0;
}

static bool is_rsdp(const uint8_t *p)
{
	return memcmp(p, "RSD PTR ", 8) == 0 && checksum_ok(p, 20);
}

/* The legacy BIOS search: the 128 KiB below 1 MiB, 16-byte steps. */
static const uint8_t *rsdp_scan(void)
{
	uintptr_t a;

	for (a = 0xe0000; a < 0x100000; a += 16) {
		if (is_rsdp((const uint8_t *)a)) {
			return (const uint8_t *)a;
		}
	}
	return NULL;
}

/* The table at paddr if it is under 4 GiB, sane and checksums. */
static const uint8_t *sdt_at(uint64_t paddr)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)paddr;
	uint32_t len;

	if (paddr == 0 || paddr >= (4ull << 30) - SDT_HEADER_LEN) {
		return NULL;
	}
	len = rd32(t + 4);
	if (len < SDT_HEADER_LEN || len > (1u << 20) || !checksum_ok(t, len)) {
		return NULL;
	}
	return t;
}

static const uint8_t *find_madt(const uint8_t *rsdp)
{
	const uint8_t *root, *t;
	bool xsdt = rsdp[15] >= 2 && rd64(rsdp + 24) != 0;
	unsigned int esize = xsdt ? 8 : 4, i, n;

	root = sdt_at(xsdt ? rd64(rsdp + 24) : rd32(rsdp + 16));
	if (root == NULL) {
		return NULL;
	}
	n = (rd32(root + 4) - SDT_HEADER_LEN) / esize;
	for (i = 0; i < n; i++) {
		const uint8_t *e = root + SDT_HEADER_LEN + i * esize;

		t = sdt_at(xsdt ? rd64(e) : rd32(e));
		if (t != NULL && memcmp(t, "APIC", 4) == 0) {
			return t;
		}
	}
	return NULL;
}

static unsigned int madt_cpus(const uint8_t *madt, uint32_t ids[ACPI_MAX_CPUS])
{
	uint32_t len = rd32(madt + 4), off = MADT_ENTRIES_OFF;
	unsigned int count = 0;

	while (off + 2 <= len && madt[off + 1] >= 2 &&
		madt[off + 1] <= len - off) {
		const uint8_t *e = madt + off;

		if (count < ACPI_MAX_CPUS) {
			if (e[0] == 0 && e[1] >= 8 && (rd32(e + 4) & 1)) {
				ids[count++] = e[3];
			} else if (e[0] == 9 && e[1] >= 16 &&
				   (rd32(e + 8) & 1)) {
				ids[count++] = rd32(e + 4);
			}
		}
		off += e[1];
	}
	return count;
}

unsigned int acpi_find_cpus(
	const struct boot_info *bi, uint32_t apic_ids[ACPI_MAX_CPUS])
{
	const uint8_t *rsdp = NULL, *madt;

	if (bi->rsdp_len >= 20 && is_rsdp(bi->rsdp)) {
		rsdp = bi->rsdp;
	} else if (bi->loader != BOOT_LOADER_UEFI) {
		rsdp = rsdp_scan();
	}
	if (rsdp == NULL) {
		printk(XENLOG_WARNING, "acpi: no RSDP\n");
		return 0;
	}
	madt = find_madt(rsdp);
	if (madt == NULL) {
		printk(XENLOG_WARNING, "acpi: no valid MADT\n");
		return 0;
	}
	return madt_cpus(madt, apic_ids);
}
