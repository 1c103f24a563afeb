from shop.booking import create_booking


def test_create_booking():
    booking = create_booking(name="Ada", seats=2)
    print(booking.name)
    assert booking.seats == 2
