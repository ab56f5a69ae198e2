export { signers } from './by-scheme.js'
export {
  type MailgunSignature,
  mailgunJson,
  sendgridKeys,
  signCalendly,
  signCoinbase,
  signGitlab,
  signHubspot,
  signIntercom,
  signLemonSqueezy,
  signLinear,
  signMailgun,
  signMeta,
  signSendgrid,
  signTwitch,
  signTypeform,
  signVercel,
  signZoom,
} from './catalogue.js'
export {
  DISCORD_KEYS,
  type DiscordKeys,
  type DiscordSignOptions,
  discordKeys,
  signDiscord,
} from './discord.js'
export { type GithubSignOptions, signGithub } from './github.js'
export { hmac, type KitSigner, type KitSignOptions } from './hmac.js'
export { signHookguard } from './hookguard.js'
export { signPaddle } from './paddle.js'
export { type ShopifySignOptions, signShopify } from './shopify.js'
export { type SlackSignOptions, signSlack, slackForm } from './slack.js'
export {
  type Ed25519Pair,
  ed25519Pair,
  type StandardWebhooksHeaders,
  type StandardWebhooksSignOptions,
  signStandardWebhooks,
  signSvix,
  standardWebhooksKey,
} from './standard-webhooks.js'
export { signStripe } from './stripe.js'
export { signSquare, signTwilio, type UrlSignOptions } from './url-signing.js'
