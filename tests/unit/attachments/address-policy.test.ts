import { describe, expect, it } from "vitest";
import { isPrivateAddress } from "@/lib/attachments/address-policy";
import { allowPrivateAttachmentUrls } from "@/lib/attachments/fetch-remote-file";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "fc00::abcd", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "::127.0.0.1", "fe80::1%eth0",
  ])("refuses %s", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2a03:2880:f10d:83:face:b00c:0:25de"])("allows %s", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it("treats anything that is not an IP address as private", () => {
    expect(isPrivateAddress("localhost")).toBe(true);
    expect(isPrivateAddress("")).toBe(true);
  });
});

describe("allowPrivateAttachmentUrls", () => {
  it("allows private addresses outside production unless told otherwise", () => {
    expect(allowPrivateAttachmentUrls({ NODE_ENV: "development" })).toBe(true);
    expect(allowPrivateAttachmentUrls({ NODE_ENV: "test", ATTACHMENT_FETCH_ALLOW_PRIVATE: "false" })).toBe(false);
  });

  it("refuses them in production unless explicitly allowed", () => {
    expect(allowPrivateAttachmentUrls({ NODE_ENV: "production" })).toBe(false);
    expect(allowPrivateAttachmentUrls({ NODE_ENV: "production", ATTACHMENT_FETCH_ALLOW_PRIVATE: "true" })).toBe(true);
    expect(() => allowPrivateAttachmentUrls({ NODE_ENV: "production", ATTACHMENT_FETCH_ALLOW_PRIVATE: "yes" })).toThrow();
  });
});
