/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  async app(input) {
    const { appSettings } = await import("./infra/stage.ts");
    return appSettings(input?.stage);
  },
  async run() {
    const { cloudCafe } = await import("./infra/index.ts");
    return cloudCafe();
  },
});
