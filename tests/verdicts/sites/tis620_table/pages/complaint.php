<!-- title: ร้องเรียนร้องทุกข์ -->
<p>แจ้งเรื่องร้องเรียนร้องทุกข์ทั่วไป เช่น ไฟฟ้าส่องสว่างชำรุด ถนนเป็นหลุมบ่อ ขยะไม่ได้รับการจัดเก็บ</p>
<form method="post" action="complaint_save.php">ชื่อ <input type="text" name="name"><br>เรื่อง <input type="text" name="subject"><br>รายละเอียด <textarea name="detail"></textarea><br><input type="submit" value="ส่งเรื่อง"></form>
