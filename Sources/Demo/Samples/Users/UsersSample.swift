extension Sample {
    /// User accounts with personal data, two schema versions and an upcaster.
    public static let users = Sample(
        name: "users",
        summary: "user accounts full of personal data: UserRegistered at schema versions 1 and 2 with an upcaster (v1 → v2), and [redact] rules that hide e-mail, phone, names, address, birth date and IP",
        defaultEvents: 180,
        config: usersConfig,
        roles: DemoRoles(
            keepsUp: "signups-by-country", lagging: "signups-per-day", stalls: "marketing-audience", faults: "email-domains",
            poison: "an EmailChanged whose email is null, from a beta mobile app", consumer: "crm-sync"),
        makeWorld: { UsersWorld(seed: $0) })
}

/// `Samples/users/rewind.toml`, embedded (a test keeps the two equal).
let usersConfig = #"""
# The users sample: accounts full of personal data, UserRegistered at two schema versions.
# See Samples/README.md; docs/CONFIG.md explains every key.

# Schema version 1 had one `name` and a `country`; version 2 splits the name and has a
# structured address and marketing consent. Stored events never change: readers upcast.
[upcasters.UserRegistered]
1 = '''
  (.name | split(" ")) as $n
  | {firstName: $n[0], lastName: ($n[1:] | join(" ")), email, phone, dateOfBirth: null,
     address: {street: null, city: null, postcode: null, country}, marketingConsent: false}
'''

[aggregates.user]
streams = "user-*"
init = '{status: "new", emailVerified: false, marketingConsent: false, logins: 0}'
[aggregates.user.on]
UserRegistered = '.status = "active" | .firstName = $e.data.firstName | .lastName = $e.data.lastName | .email = $e.data.email | .phone = $e.data.phone | .dateOfBirth = $e.data.dateOfBirth | .address = $e.data.address | .marketingConsent = $e.data.marketingConsent | .registeredAt = $e.time'
EmailChanged = '.email = $e.data.email | .emailVerified = false'
EmailVerified = '.emailVerified = true'
PhoneChanged = '.phone = $e.data.phone'
AddressChanged = '.address = $e.data.address'
ConsentChanged = '.marketingConsent = $e.data.marketing'
UserLoggedIn = '.logins += 1 | .lastLoginAt = $e.time | .lastDevice = $e.data.device'
UserDeactivated = '.status = "deactivated" | .deactivationReason = $e.data.reason'

# Sign-ups per country (version 1 events are upcast first, so every one has an address).
[projections.signups-by-country]
from = "category:user"
partition = '$e.data.address.country'
init = '{signups: 0, withConsent: 0}'
[projections.signups-by-country.on]
UserRegistered = '.signups += 1 | if $e.data.marketingConsent then .withConsent += 1 else . end'

# Activity per day.
[projections.signups-per-day]
from = "category:user"
partition = '$e.time[0:10]'
init = '{signups: 0, logins: 0, deactivations: 0}'
[projections.signups-per-day.on]
UserRegistered = '.signups += 1'
UserLoggedIn = '.logins += 1'
UserDeactivated = '.deactivations += 1'

# Consent given and withdrawn, for the marketing team.
[projections.marketing-audience]
from = "category:user"
init = '{consentsGiven: 0, consentsWithdrawn: 0}'
[projections.marketing-audience.on]
UserRegistered = 'if $e.data.marketingConsent then .consentsGiven += 1 else . end'
ConsentChanged = 'if $e.data.marketing then .consentsGiven += 1 else .consentsWithdrawn += 1 end'

# Addresses per e-mail domain. Trusts email to be a text: the demo's poison event faults it.
[projections.email-domains]
from = "category:user"
partition = '$e.data.email | split("@") | .[1] | ascii_downcase'
init = '{addresses: 0}'
[projections.email-domains.on]
UserRegistered = '.addresses += 1'
EmailChanged = '.addresses += 1'

# Personal data hidden by --redact (export, read, the dashboard), at any depth.
[redact]
fields = ["name", "firstName", "lastName", "email", "phone", "dateOfBirth", "address", "ip"]

[snapshots]
every = 50
"""#
