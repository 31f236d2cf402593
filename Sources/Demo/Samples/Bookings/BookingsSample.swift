extension Sample {
    /// Hotel bookings whose payment webhooks arrive out of order.
    public static let bookings = Sample(
        name: "bookings",
        summary: "hotel bookings going PENDING → CONFIRMED → CANCELLED, with payment events arriving out of order (capture before authorization, payment before booking, capture after cancellation) and a reducer that copes",
        defaultEvents: 200,
        config: bookingsConfig,
        roles: DemoRoles(
            keepsUp: "hotel-demand", lagging: "payments", stalls: "cancellations", faults: "revenue-by-day",
            poison: "a PaymentCaptured whose capturedAt is epoch seconds instead of an RFC 3339 time", consumer: "channel-manager"),
        makeWorld: { BookingsWorld(seed: $0) })
}

/// `Samples/bookings/rewind.toml`, embedded (a test keeps the two equal).
let bookingsConfig = #"""
# The bookings sample: hotel bookings (PENDING -> CONFIRMED -> CANCELLED) whose payment events
# come from a provider's webhooks, out of order. See Samples/README.md and docs/CONFIG.md.

# The reducer copes with any order: a capture before its authorization counts as both, an
# authorization after its capture or a capture after the cancellation is noted as late, and
# a payment before the booking leaves the status NEW until the request arrives.
[aggregates.booking]
streams = "booking-*"
init = '{status: "NEW", priceCents: 0, authorizedCents: 0, capturedCents: 0, refundedCents: 0, payments: {}, lateEvents: 0}'
[aggregates.booking.on]
BookingRequested = '.status = (if .status == "NEW" then "PENDING" else .status end) | .guest = $e.data.guestName | .hotel = $e.data.hotel | .roomType = $e.data.roomType | .checkIn = $e.data.checkIn | .nights = $e.data.nights | .priceCents = $e.data.priceCents'
PaymentAuthorized = '''
  if .payments[$e.data.paymentId] == null
  then .payments[$e.data.paymentId] = "authorized" | .authorizedCents += $e.data.amountCents
  else .lateEvents += 1
  end
'''
PaymentCaptured = '''
  (if .payments[$e.data.paymentId] == null then .authorizedCents += $e.data.amountCents else . end)
  | .payments[$e.data.paymentId] = "captured"
  | .capturedCents += $e.data.amountCents
  | if .status == "CANCELLED" then .lateEvents += 1 | .refundDueCents = .capturedCents - .refundedCents else . end
'''
BookingConfirmed = 'if .status == "CANCELLED" then .lateEvents += 1 else .status = "CONFIRMED" | .confirmationCode = $e.data.confirmationCode end'
BookingCancelled = '.status = "CANCELLED" | .cancelledBy = $e.data.by | .cancelReason = $e.data.reason | (if .capturedCents > .refundedCents then .refundDueCents = .capturedCents - .refundedCents else . end)'
PaymentRefunded = '.refundedCents += $e.data.amountCents | .payments[$e.data.paymentId] = "refunded" | del(.refundDueCents)'

# Requests, room nights and value booked per hotel (only requests carry the hotel).
[projections.hotel-demand]
from = "category:booking"
partition = '$e.data.hotel'
init = '{requests: 0, roomNights: 0, bookedCents: 0}'
[projections.hotel-demand.on]
BookingRequested = '.requests += 1 | .roomNights += $e.data.nights | .bookedCents += $e.data.priceCents'

# Money through the payment provider.
[projections.payments]
from = "category:booking"
init = '{authorizations: 0, captures: 0, refunds: 0, capturedCents: 0, refundedCents: 0}'
[projections.payments.on]
PaymentAuthorized = '.authorizations += 1'
PaymentCaptured = '.captures += 1 | .capturedCents += $e.data.amountCents'
PaymentRefunded = '.refunds += 1 | .refundedCents += $e.data.amountCents'

# Cancellations by who cancelled, with their reasons.
[projections.cancellations]
from = "category:booking"
partition = '$e.data.by'
init = '{count: 0, reasons: {}}'
[projections.cancellations.on]
BookingCancelled = '.count += 1 | .reasons[$e.data.reason] += 1'

# Money captured and refunded per day, by the provider's capture date. Trusts capturedAt to
# be an RFC 3339 text: the demo's poison event faults it.
[projections.revenue-by-day]
from = "category:booking"
partition = 'if $e.type == "PaymentCaptured" then $e.data.capturedAt[0:10] else $e.time[0:10] end'
init = '{capturedCents: 0, refundedCents: 0}'
[projections.revenue-by-day.on]
PaymentCaptured = '.capturedCents += $e.data.amountCents'
PaymentRefunded = '.refundedCents += $e.data.amountCents'

[redact]
fields = ["guestName"]

[snapshots]
every = 50
"""#
