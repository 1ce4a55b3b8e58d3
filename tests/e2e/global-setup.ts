// Playwright global setup: a fake Graph API / Twilio server on a fixed port, which the app under
// test calls (playwright.config.ts points GRAPH_API_URL and TWILIO_API_URL at it). It knows the
// credentials below, so the journeys can type them into the connect forms.
import { startFakeProviders } from "../fakes/fake-providers";
import { fakeControlPort, startFakeControl } from "./support/fake-control";

/** The WhatsApp Cloud API number the e2e journeys connect. */
export const E2E_WHATSAPP = {
  phoneNumberId: "109876500000001",
  wabaId: "209876500000001",
  accessToken: "EAAGe2eSystemUserToken0123456789abcdef",
  appSecret: "0123456789abcdef0123456789abcdef",
  displayPhoneNumber: "+1 555-019-0001",
  verifiedName: "E2E Bakery",
} as const;

/** A Twilio account the fake accepts. */
export const E2E_TWILIO = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  authToken: "e2e0123456789abcdef0123456789abcd",
} as const;

/** The platform's Meta app for "Connect Instagram" (Facebook Login against the fake dialog). */
export const E2E_META_APP = {
  appId: "1234567890123456",
  appSecret: "e2e-meta-app-secret-0123456789ab",
} as const;

/** The port of the fake: E2E_FAKE_PORT, set by playwright.config.ts (default E2E port + 289 = 3499). */
export function fakeProvidersPort(): number {
  return Number(process.env.E2E_FAKE_PORT ?? 3499);
}

export default async function globalSetup() {
  const fake = await startFakeProviders({ port: fakeProvidersPort() });
  fake.registerToken(E2E_WHATSAPP.accessToken, { type: "SYSTEM_USER" });
  fake.registerPhoneNumber({ id: E2E_WHATSAPP.phoneNumberId, displayPhoneNumber: E2E_WHATSAPP.displayPhoneNumber, verifiedName: E2E_WHATSAPP.verifiedName, qualityRating: "GREEN" });
  fake.setTemplates(E2E_WHATSAPP.wabaId, [
    { name: "order_confirmation", language: "en_US", category: "UTILITY", status: "APPROVED", components: [{ type: "BODY", text: "Your order {{1}} is confirmed" }] },
    { name: "spring_sale", language: "en_US", category: "MARKETING", status: "REJECTED", rejected_reason: "PROMOTIONAL" },
  ]);
  fake.registerTwilioAccount(E2E_TWILIO.accountSid, E2E_TWILIO.authToken);
  // Facebook Login: the fake dialog and code exchange accept this app only. The Facebook user
  // manages the fake's default Pages ("Metricsaurus" with @metricsaurus, and one without Instagram).
  fake.registerApp(E2E_META_APP.appId, E2E_META_APP.appSecret);
  fake.setLoginUser({ id: "10160000000000042", name: "Erin E2E" });
  // Lets specs (in worker processes) read the fake's requests and register their own numbers.
  const control = await startFakeControl({ fake, port: fakeControlPort() });
  return async () => {
    await control.close();
    await fake.close();
  };
}
